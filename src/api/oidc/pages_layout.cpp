#include "api/oidc/pages_layout.hpp"

#include "api/oidc/pages_html.hpp"
#include "api/oidc/pages_link.hpp"
#include "api/oidc/pages_style.hpp"
#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {
namespace {

void write_head(Html& html, const Frame& frame) {
  const Texts t{frame.locale};
  html.markup("<head>\n<meta charset=\"utf-8\">\n")
      .markup("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
      .element("title", {},
               fill(t(frame.problem ? Text::TitleWithProblem : Text::TitlePattern), frame.name))
      .markup("\n<style>")
      .markup(style_sheet())
      .markup("</style>\n</head>\n");
}

// The switch names the other language in that language, so a reader of it can find it.
void write_header(Html& html, const Frame& frame) {
  html.markup("<header>\n<p class=\"brand\">oneID</p>\n");
  if (frame.language_switch) {
    const Texts t{frame.locale};
    const std::string_view other = language_tag(other_locale(frame.locale));
    html.open("nav", {{"aria-label", t(Text::LanguageNavigation)}})
        .element("a", {{"href", *frame.language_switch}, {"hreflang", other}, {"lang", other}},
                 t(Text::OtherLanguage))
        .close("nav")
        .markup("\n");
  }
  html.markup("</header>\n");
}

}  // namespace

std::string document(const Frame& frame, std::string_view main_markup) {
  Html html;
  html.markup("<!doctype html>\n").open("html", {{"lang", language_tag(frame.locale)}});
  html.markup("\n");
  write_head(html, frame);
  html.markup("<body>\n");
  write_header(html, frame);
  html.markup("<main>\n").markup(main_markup).markup("</main>\n</body>\n</html>\n");
  return std::move(html).take();
}

}  // namespace tsunagu::api::oidc::pages
