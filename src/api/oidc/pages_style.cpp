// Large type and touch targets (2.75rem, 44 px), colours of at least 4.5:1 against their
// background (text, links and buttons 6.5:1 or more), a thick outline on whatever has the focus,
// and one column in rem units that reflows at 200% zoom and on a phone. System fonts only.

#include "api/oidc/pages_style.hpp"

namespace tsunagu::api::oidc::pages {

std::string_view style_sheet() {
  return R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0; color: #1b1b1b; background: #fff; font-size: 1.125rem; line-height: 1.7;
  font-family: system-ui, -apple-system, "Hiragino Sans", "Noto Sans JP", "Yu Gothic UI", Meiryo,
    sans-serif;
  overflow-wrap: anywhere;
}
header {
  display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center;
  gap: 0.5rem; padding: 0.25rem 1rem; border-bottom: 1px solid #767676;
}
.brand { margin: 0; font-weight: 700; }
main { max-width: 36rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
h1 { font-size: 1.625rem; line-height: 1.4; margin: 1rem 0; }
h2 { font-size: 1.25rem; line-height: 1.4; margin: 2rem 0 0.5rem; }
a { color: #0b4f9c; text-decoration: underline; }
header a, .links a { display: inline-block; min-height: 2.75rem; padding: 0.5rem 0; }
.links { list-style: none; margin: 1.5rem 0 0; padding: 0; }
label { display: block; margin-top: 1.25rem; font-weight: 700; }
.hint { margin: 0.25rem 0; color: #4a4a4a; }
input {
  display: block; width: 100%; min-height: 2.75rem; margin-top: 0.25rem; padding: 0.5rem 0.75rem;
  font: inherit; color: inherit; background: #fff; border: 2px solid #595959; border-radius: 4px;
}
input[aria-invalid="true"] { border: 3px solid #b3261e; }
button {
  min-height: 2.75rem; margin: 1.5rem 0.75rem 0 0; padding: 0.5rem 1.5rem; font: inherit;
  font-weight: 700; color: #fff; background: #0b4f9c; border: 2px solid #0b4f9c;
  border-radius: 4px; cursor: pointer;
}
button.secondary { color: #0b4f9c; background: #fff; }
button.danger { background: #b3261e; border-color: #b3261e; }
a:focus, input:focus, button:focus { outline: 3px solid #1b1b1b; outline-offset: 2px; }
.error-summary { margin: 1rem 0; padding: 1rem; border: 4px solid #b3261e; }
.error-summary h2 { margin: 0 0 0.5rem; }
.error-summary a { color: #b3261e; font-weight: 700; }
.warning { padding: 0.25rem 0 0.25rem 1rem; border-left: 6px solid #b3261e; font-weight: 700; }
.secret {
  padding: 0.5rem; background: #f3f3f3; border: 1px solid #767676; user-select: all;
  font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all;
}
.scopes li { margin: 0.25rem 0; }
dt { font-weight: 700; }
dd { margin: 0 0 0.75rem; }
section { margin-top: 2rem; border-top: 1px solid #767676; }
)css";
}

}  // namespace tsunagu::api::oidc::pages
