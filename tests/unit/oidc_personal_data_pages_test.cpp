// The resident's pages about their personal data (api/oidc/pages.hpp): the consents page
// (services' pending requests with "agree" and "do not agree", grants with their state and a
// "withdraw" button for the active ones only) and the activity page (who used the data and
// when, a page at a time), in both languages, every value escaped; and the account page's links
// to them. HTML is examined with string scanning, as in oidc_pages_test.cpp: every attribute
// value the pages write is quoted and escaped.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/oidc/pages.hpp"
#include "html_reading.hpp"

namespace tsunagu::api::oidc {
namespace {

using namespace std::chrono_literals;
using testing::html::Attributes;
using testing::html::forms;
using testing::html::inner;
using testing::html::tags;

// --- Reading the HTML ----------------------------------------------------------------------

// The hidden fields of a form, by name.
std::map<std::string, std::string> hidden(std::string_view form) {
  std::map<std::string, std::string> out;
  for (const auto& input : tags(form, "input")) {
    EXPECT_EQ(input.at("type"), "hidden");
    out[input.at("name")] = input.at("value");
  }
  return out;
}

// The sections of the items (a request, a grant or an activity record), in order: the
// <section> elements named by an h2/h3 whose id starts with `prefix`.
std::vector<std::string> items(std::string_view html, std::string_view prefix) {
  std::vector<std::string> found;
  const std::string open = "<section aria-labelledby=\"" + std::string(prefix);
  for (auto at = html.find(open); at != std::string_view::npos; at = html.find(open, at + 1)) {
    found.emplace_back(html.substr(at, html.find("</section>", at) + 10 - at));
  }
  return found;
}

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::size_t count(std::string_view text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A page loads and runs nothing, links only within the site, and refers only to ids it has.
void expect_self_contained(const std::string& html) {
  EXPECT_TRUE(html.starts_with("<!doctype html>\n"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  for (std::string_view forbidden :
       {"<script", "<link", "<img", "<iframe", "<object", "<embed", "src=", "url(", "@import",
        "http", "javascript:", " style=", " onload", " onclick", " onsubmit"}) {
    EXPECT_FALSE(has(html, forbidden)) << forbidden;
  }
  for (const auto& a : tags(html, "a")) {
    EXPECT_TRUE(a.at("href").starts_with("/")) << a.at("href");
  }
  std::set<std::string> ids;
  for (const std::string_view tag : {"h2", "h3", "p", "section", "div", "input", "button"}) {
    for (const auto& attributes : tags(html, tag)) {
      if (attributes.contains("id")) {
        EXPECT_TRUE(ids.insert(attributes.at("id")).second) << "duplicate " << attributes.at("id");
      }
    }
  }
  for (const std::string_view tag : {"section", "button", "div"}) {
    for (const auto& attributes : tags(html, tag)) {
      for (const char* aria : {"aria-labelledby", "aria-describedby"}) {
        if (!attributes.contains(aria)) continue;
        std::istringstream refs(attributes.at(aria));
        for (std::string id; refs >> id;) EXPECT_TRUE(ids.contains(id)) << aria << " " << id;
      }
    }
  }
}

// --- Sample views --------------------------------------------------------------------------

model::Timestamp utc(int day, std::chrono::seconds time) {
  using namespace std::chrono;
  return time_point_cast<milliseconds>(sys_days{2024y / April / day} + time);
}

template <typename View>
View base(Locale locale) {
  View view;
  view.locale = locale;
  view.csrf = "csrf-token-1";
  return view;
}

GrantItem grant(std::string id, std::string service, GrantState state) {
  GrantItem g;
  g.id = std::move(id);
  g.service = std::move(service);
  g.category = "childcare-application";
  g.purpose = "Nursery admission";
  g.granted = utc(1, 9h + 30min);
  g.expires = utc(30, 0s);
  g.state = state;
  if (state == GrantState::Withdrawn) g.withdrawn = utc(2, 10h + 15s);
  return g;
}

ConsentsView consents_sample(Locale locale) {
  auto view = base<ConsentsView>(locale);
  ConsentRequestItem request;
  request.id = "request-id-1";
  request.service = "Health centre";
  request.tenant = "osaka";
  request.category = "health-checkup";
  request.purpose = "Checkup reminders";
  request.requested = utc(3, 8h);
  request.until = utc(20, 0s);
  view.requests = {request};
  view.grants = {grant("grant-id-active", "Nursery office", GrantState::Active),
                 grant("grant-id-expired", "Library", GrantState::Expired),
                 grant("grant-id-withdrawn", "Town app", GrantState::Withdrawn)};
  return view;
}

ActivityItem record(std::string service, std::vector<std::string> attributes) {
  ActivityItem r;
  r.at = utc(5, 13h + 4min + 5s);
  r.service = std::move(service);
  r.type = "https://uri.etsi.org/ngsi-ld/default-context/ChildcareApplication";
  r.entity_id = "urn:ngsi-ld:ChildcareApplication:001";
  r.attributes = std::move(attributes);
  r.purpose = "Nursery admission";
  return r;
}

constexpr std::string_view kHostile = "<script>alert(1)</script>\" onload=\"x' &amp;";
constexpr std::string_view kHostileEscaped =
    "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x&#39; &amp;amp;";

// --- The consents page ---------------------------------------------------------------------

TEST(ConsentsPage, IsACompletePageInBothLanguagesWithTheLanguageSwitch) {
  for (const auto& [locale, title, other] :
       {std::tuple{Locale::Japanese, "データ利用の同意", "en"},
        std::tuple{Locale::English, "Consents to use your data", "ja"}}) {
    const std::string html = render_consents(consents_sample(locale));
    expect_self_contained(html);
    EXPECT_TRUE(has(html, "<html lang=\"" + std::string(language_tag(locale)) + "\">"));
    EXPECT_EQ(inner(html, "title"), std::vector<std::string>{std::string(title) + " | oneID"});
    EXPECT_EQ(inner(html, "h1"), std::vector<std::string>{title});
    const auto nav = html.substr(html.find("<nav"));
    EXPECT_EQ(tags(nav, "a").at(0).at("href"),
              "/account/consents?ui_locales=" + std::string(other));
    EXPECT_FALSE(has(html, "role=\"alert\""));
    EXPECT_FALSE(has(html, "role=\"status\""));
  }
}

TEST(ConsentsPage, SaysSoWhenThereIsNothing) {
  std::string html = render_consents(base<ConsentsView>(Locale::Japanese));
  EXPECT_TRUE(has(html,
                  "<h2 id=\"requests-heading\">サービスからの同意の依頼</h2>\n"
                  "<p>回答を待っている依頼はありません。</p>"));
  EXPECT_TRUE(has(html,
                  "<h2 id=\"grants-heading\">同意したサービス</h2>\n"
                  "<p>個人データの利用に同意したサービスはありません。</p>"));
  EXPECT_TRUE(forms(html).empty());
  html = render_consents(base<ConsentsView>(Locale::English));
  EXPECT_TRUE(has(html, "<p>No service is waiting for your answer.</p>"));
  EXPECT_TRUE(has(html, "<p>You have not consented to any service using your personal data.</p>"));
  EXPECT_TRUE(forms(html).empty());
  expect_self_contained(html);
}

TEST(ConsentsPage, ShowsEachGrantWithItsStateAndTerms) {
  const std::string html = render_consents(consents_sample(Locale::English));
  const auto grants = items(html, "grant-");
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_TRUE(has(grants[0], "<h3 id=\"grant-1\">Nursery office</h3>"));
  EXPECT_TRUE(has(grants[0], "<dt>Status</dt>\n<dd>In force</dd>"));
  EXPECT_TRUE(has(grants[0], "<dt>Data</dt>\n<dd>childcare-application</dd>"));
  EXPECT_TRUE(has(grants[0], "<dt>Purpose</dt>\n<dd>Nursery admission</dd>"));
  EXPECT_TRUE(has(grants[0], "<dt>Data space</dt>\n<dd>Standard</dd>"));
  EXPECT_TRUE(has(grants[0],
                  "<dt>Consented on</dt>\n<dd><time datetime=\"2024-04-01T09:30:00.000Z"
                  "\">2024-04-01 09:30:00 UTC</time></dd>"));
  EXPECT_TRUE(has(grants[0],
                  "<dt>Valid until</dt>\n<dd><time datetime=\"2024-04-30T00:00:00.000Z"
                  "\">2024-04-30 00:00:00 UTC</time></dd>"));
  EXPECT_FALSE(has(grants[0], "Withdrawn on"));
  EXPECT_TRUE(has(grants[1], "<h3 id=\"grant-2\">Library</h3>"));
  EXPECT_TRUE(has(grants[1], "<dt>Status</dt>\n<dd>Expired</dd>"));
  EXPECT_TRUE(has(grants[2], "<h3 id=\"grant-3\">Town app</h3>"));
  EXPECT_TRUE(has(grants[2], "<dt>Status</dt>\n<dd>Withdrawn</dd>"));
  EXPECT_TRUE(has(grants[2],
                  "<dt>Withdrawn on</dt>\n<dd><time datetime=\"2024-04-02T10:00:15.000Z"
                  "\">2024-04-02 10:00:15 UTC</time></dd>"));
}

TEST(ConsentsPage, OffersWithdrawalForActiveGrantsOnly) {
  for (const Locale locale : {Locale::Japanese, Locale::English}) {
    const std::string html = render_consents(consents_sample(locale));
    const auto grants = items(html, "grant-");
    ASSERT_EQ(grants.size(), 3u);
    const auto withdraw = forms(grants[0]);
    ASSERT_EQ(withdraw.size(), 1u);
    EXPECT_TRUE(forms(grants[1]).empty()) << "expired";
    EXPECT_TRUE(forms(grants[2]).empty()) << "withdrawn";
    const auto form = tags(withdraw[0], "form").at(0);
    EXPECT_EQ(form.at("action"), "/account/consents/withdraw");
    EXPECT_EQ(form.at("method"), "post");
    EXPECT_EQ(form.at("enctype"), "application/x-www-form-urlencoded");
    EXPECT_EQ(hidden(withdraw[0]),
              (std::map<std::string, std::string>{{"csrf", "csrf-token-1"},
                                                  {"locale", std::string(language_tag(locale))},
                                                  {"grant", "grant-id-active"}}));
    const auto label = locale == Locale::English ? "Withdraw consent" : "同意を撤回する";
    EXPECT_TRUE(has(withdraw[0], std::string("<button type=\"submit\" class=\"danger\" "
                                             "aria-describedby=\"grant-1\">") +
                                     label + "</button>"));
    EXPECT_EQ(count(html, "/account/consents/withdraw"), 1u);
  }
}

TEST(ConsentsPage, AsksToAgreeOrNotToEachPendingRequest) {
  for (const Locale locale : {Locale::Japanese, Locale::English}) {
    const std::string html = render_consents(consents_sample(locale));
    const auto requests = items(html, "request-");
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(has(requests[0], "<h3 id=\"request-1\">Health centre</h3>"));
    const auto answers = forms(requests[0]);
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(tags(answers[0], "form").at(0).at("action"), "/account/consents/requests/approve");
    EXPECT_EQ(tags(answers[1], "form").at(0).at("action"), "/account/consents/requests/decline");
    for (const auto& answer : answers) {
      EXPECT_EQ(hidden(answer),
                (std::map<std::string, std::string>{{"csrf", "csrf-token-1"},
                                                    {"locale", std::string(language_tag(locale))},
                                                    {"consent_request", "request-id-1"}}));
      EXPECT_EQ(tags(answer, "button").at(0).at("aria-describedby"), "request-1");
    }
    if (locale == Locale::Japanese) {
      EXPECT_TRUE(has(answers[0], ">同意する</button>"));
      EXPECT_TRUE(has(answers[1], "class=\"secondary\" aria-describedby=\"request-1\">同意しない"));
      EXPECT_TRUE(has(requests[0], "<dt>データの種類</dt>\n<dd>health-checkup</dd>"));
      EXPECT_TRUE(has(requests[0], "<dt>利用目的</dt>\n<dd>Checkup reminders</dd>"));
      EXPECT_TRUE(has(requests[0], "<dt>データの管理区分</dt>\n<dd>osaka</dd>"));
      EXPECT_TRUE(has(requests[0],
                      "<dt>依頼日時</dt>\n<dd><time datetime=\"2024-04-03T08:00:00"
                      ".000Z\">2024-04-03 08:00:00（UTC）</time></dd>"));
      EXPECT_TRUE(has(requests[0],
                      "<dt>同意の有効期限</dt>\n<dd><time datetime=\"2024-04-20T00:"
                      "00:00.000Z\">2024-04-20 00:00:00（UTC）</time></dd>"));
    } else {
      EXPECT_TRUE(has(answers[0], ">Agree</button>"));
      EXPECT_TRUE(has(answers[1], ">Do not agree</button>"));
      EXPECT_TRUE(has(requests[0], "<dt>Consent would last until</dt>"));
    }
  }
}

TEST(ConsentsPage, TheJapaneseTermsOfAGrant) {
  const std::string html = render_consents(consents_sample(Locale::Japanese));
  const auto grants = items(html, "grant-");
  ASSERT_EQ(grants.size(), 3u);
  EXPECT_TRUE(has(grants[0], "<dt>状態</dt>\n<dd>有効</dd>"));
  EXPECT_TRUE(has(grants[0], "<dt>データの管理区分</dt>\n<dd>標準</dd>"));
  EXPECT_TRUE(has(grants[0],
                  "<dt>同意した日時</dt>\n<dd><time datetime=\"2024-04-01T09:30:00.000Z"
                  "\">2024-04-01 09:30:00（UTC）</time></dd>"));
  EXPECT_TRUE(has(grants[0], "<dt>有効期限</dt>"));
  EXPECT_TRUE(has(grants[1], "<dd>期限切れ</dd>"));
  EXPECT_TRUE(has(grants[2], "<dd>撤回済み</dd>"));
  EXPECT_TRUE(has(grants[2], "<dt>撤回した日時</dt>"));
}

TEST(ConsentsPage, EscapesEveryValue) {
  const std::string hostile(kHostile);
  auto view = consents_sample(Locale::English);
  view.csrf = hostile;
  for (auto* item : {&view.grants[0], &view.grants[2]}) {
    item->id = hostile;
    item->service = hostile;
    item->tenant = hostile;
    item->category = hostile;
    item->purpose = hostile;
  }
  auto& request = view.requests[0];
  request.id = request.service = request.tenant = request.category = request.purpose = hostile;
  const std::string html = render_consents(view);
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "\" onload=\""));
  // Four values of each of the two grants and of the request; the ids of the active grant and of
  // the request in their forms; the CSRF token of the three forms.
  EXPECT_EQ(count(html, kHostileEscaped), 4u * 2u + 4u + 1u + 2u + 3u);
  for (const auto& form : forms(html)) {
    const auto fields = hidden(form);
    EXPECT_EQ(fields.at("csrf"), hostile);
    const auto id = fields.contains("grant") ? fields.at("grant") : fields.at("consent_request");
    EXPECT_EQ(id, hostile);
  }
  EXPECT_TRUE(has(html, "<h3 id=\"grant-1\">" + std::string(kHostileEscaped) + "</h3>"));
}

TEST(ConsentsPage, SaysWhatTheLastPostDid) {
  const std::pair<ConsentNotice, std::string_view> done[] = {
      {ConsentNotice::Withdrawn,
       "Your consent has been withdrawn. The service can no longer use this data."},
      {ConsentNotice::Approved,
       "You have agreed. The service may use this data until the date shown."},
      {ConsentNotice::Declined, "You have not agreed. The service may not use this data."}};
  for (const auto& [notice, text] : done) {
    auto view = consents_sample(Locale::English);
    view.notice = notice;
    const std::string html = render_consents(view);
    EXPECT_TRUE(has(
        html, "<div role=\"status\">\n<p><strong>" + std::string(text) + "</strong></p>\n</div>"))
        << text;
    EXPECT_FALSE(has(html, "role=\"alert\""));
    EXPECT_EQ(inner(html, "title").at(0), "Consents to use your data | oneID");
  }
  auto view = consents_sample(Locale::Japanese);
  view.notice = ConsentNotice::Withdrawn;
  EXPECT_TRUE(
      has(render_consents(view),
          "<p><strong>同意を撤回しました。このサービスは、今後このデータを利用できません。"));
}

TEST(ConsentsPage, ReportsARefusedPostAsAnError) {
  const std::pair<ConsentNotice, std::string_view> refused[] = {
      {ConsentNotice::NotFound, "該当する同意または依頼が見つかりません。"},
      {ConsentNotice::AlreadyAnswered, "この依頼には、すでに回答済みです。"},
      {ConsentNotice::CannotApprove, "この依頼には同意できなくなりました。"}};
  for (const auto& [notice, text] : refused) {
    auto view = consents_sample(Locale::Japanese);
    view.notice = notice;
    const std::string html = render_consents(view);
    expect_self_contained(html);
    EXPECT_EQ(count(html, "role=\"alert\""), 1u);
    EXPECT_TRUE(has(html, "<h2 id=\"problem-heading\">入力内容をご確認ください</h2>"));
    EXPECT_FALSE(has(html, "role=\"status\""));
    EXPECT_EQ(inner(html, "title").at(0), "エラー：データ利用の同意 | oneID");
    EXPECT_TRUE(has(html, "<p>" + std::string(text))) << text;
  }
}

TEST(ConsentsPage, AnExpiredFormIsTheProblemOfThePage) {
  auto view = consents_sample(Locale::English);
  view.problem = Problem::SessionExpired;
  view.notice = ConsentNotice::NotFound;  // never shown beside the page's problem
  const std::string html = render_consents(view);
  expect_self_contained(html);
  EXPECT_EQ(count(html, "role=\"alert\""), 1u);
  EXPECT_TRUE(has(html, "This page has expired. Please start again."));
  EXPECT_FALSE(has(html, "was not found"));
  EXPECT_EQ(inner(html, "title").at(0), "Error: Consents to use your data | oneID");
}

TEST(ConsentsPage, LinksToTheActivityAndBackToTheAccountInItsLanguage) {
  const std::string html = render_consents(consents_sample(Locale::English));
  const auto list = html.substr(html.find("<ul class=\"links\">"));
  EXPECT_TRUE(has(list,
                  "<a href=\"/account/activity?ui_locales=en\">Who used your data and when"
                  "</a>"));
  EXPECT_TRUE(has(list, "<a href=\"/account?ui_locales=en\">Back to your account</a>"));
}

// --- The activity page ---------------------------------------------------------------------

TEST(ActivityPage, IsACompletePageInBothLanguagesAndSaysSoWhenEmpty) {
  for (const auto& [locale, title, empty] :
       {std::tuple{Locale::Japanese, "データの利用履歴",
                   "あなたの個人データの利用履歴はありません。"},
        std::tuple{Locale::English, "Who used your data",
                   "No service has used your personal data."}}) {
    const std::string html = render_activity(base<ActivityView>(locale));
    expect_self_contained(html);
    EXPECT_EQ(inner(html, "title"), std::vector<std::string>{std::string(title) + " | oneID"});
    EXPECT_EQ(inner(html, "h1"), std::vector<std::string>{title});
    EXPECT_TRUE(has(html, "<p>" + std::string(empty) + "</p>"));
    EXPECT_TRUE(items(html, "record-").empty());
    EXPECT_TRUE(forms(html).empty());
    const auto tag = std::string(language_tag(locale));
    const auto other = locale == Locale::English ? "ja" : "en";
    EXPECT_EQ(tags(html.substr(html.find("<nav")), "a").at(0).at("href"),
              std::string("/account/activity?ui_locales=") + other);
    EXPECT_TRUE(has(html, "<a href=\"/account/consents?ui_locales=" + tag + "\">"));
    EXPECT_TRUE(has(html, "<a href=\"/account?ui_locales=" + tag + "\">"));
    EXPECT_FALSE(has(html, "before="));
  }
}

TEST(ActivityPage, ShowsWhenWhoWhatAndWhy) {
  auto view = base<ActivityView>(Locale::English);
  view.records = {record("Nursery office", {}),
                  record("Health centre", {"https://uri.etsi.org/ngsi-ld/default-context/income",
                                           "https://example.org/ns#children"})};
  view.records[1].tenant = "osaka";
  view.records[1].purpose.clear();
  const std::string html = render_activity(view);
  expect_self_contained(html);
  const auto records = items(html, "record-");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(has(records[0],
                  "<h2 id=\"record-1\"><time datetime=\"2024-04-05T13:04:05.000Z\">"
                  "2024-04-05 13:04:05 UTC</time></h2>"));
  EXPECT_TRUE(has(records[0], "<dt>Service</dt>\n<dd>Nursery office</dd>"));
  EXPECT_TRUE(has(records[0], "<dt>Type of data</dt>\n<dd>ChildcareApplication</dd>"));
  EXPECT_TRUE(has(records[0], "<dt>Record</dt>\n<dd>urn:ngsi-ld:ChildcareApplication:001</dd>"));
  EXPECT_TRUE(has(records[0], "<dt>Items</dt>\n<dd>All items</dd>"));
  EXPECT_TRUE(has(records[0], "<dt>Data space</dt>\n<dd>Standard</dd>"));
  EXPECT_TRUE(has(records[0], "<dt>Purpose</dt>\n<dd>Nursery admission</dd>"));
  EXPECT_TRUE(has(records[1], "<h2 id=\"record-2\">"));
  EXPECT_TRUE(has(records[1], "<dt>Items</dt>\n<dd>income, children</dd>"));
  EXPECT_TRUE(has(records[1], "<dt>Data space</dt>\n<dd>osaka</dd>"));
  EXPECT_TRUE(has(records[1], "<dt>Purpose</dt>\n<dd>Not stated</dd>"));
  EXPECT_FALSE(has(html, "No service has used"));

  view.locale = Locale::Japanese;
  const std::string ja = render_activity(view);
  const auto records_ja = items(ja, "record-");
  ASSERT_EQ(records_ja.size(), 2u);
  EXPECT_TRUE(has(records_ja[0], "2024-04-05 13:04:05（UTC）</time></h2>"));
  EXPECT_TRUE(has(records_ja[0], "<dt>サービス</dt>\n<dd>Nursery office</dd>"));
  EXPECT_TRUE(has(records_ja[0], "<dt>データの種別</dt>\n<dd>ChildcareApplication</dd>"));
  EXPECT_TRUE(has(records_ja[0], "<dt>データの ID</dt>"));
  EXPECT_TRUE(has(records_ja[0], "<dt>項目</dt>\n<dd>すべての項目</dd>"));
  EXPECT_TRUE(has(records_ja[0], "<dt>利用目的</dt>\n<dd>Nursery admission</dd>"));
  EXPECT_TRUE(has(records_ja[1], "<dt>利用目的</dt>\n<dd>記載なし</dd>"));
}

TEST(ActivityPage, LinksToOlderRecordsAndBackToTheNewest) {
  auto view = base<ActivityView>(Locale::English);
  view.records = {record("Nursery office", {})};
  view.older = 51;
  std::string html = render_activity(view);
  EXPECT_TRUE(has(html,
                  "<a href=\"/account/activity?ui_locales=en&amp;before=51\">Older records"
                  "</a>"));
  EXPECT_FALSE(has(html, "Newest records"));

  view.before = 52;
  html = render_activity(view);
  EXPECT_TRUE(has(html, "<a href=\"/account/activity?ui_locales=en\">Newest records</a>"));
  // The language switch keeps the page.
  EXPECT_EQ(tags(html.substr(html.find("<nav")), "a").at(0).at("href"),
            "/account/activity?ui_locales=ja&before=52");

  view.records.clear();
  view.older.reset();
  html = render_activity(view);
  EXPECT_TRUE(has(html, "<p>There are no older records.</p>"));
  EXPECT_FALSE(has(html, "Older records"));
  view.locale = Locale::Japanese;
  html = render_activity(view);
  EXPECT_TRUE(has(html, "<p>これより前の利用履歴はありません。</p>"));
  EXPECT_TRUE(has(html, ">最新の利用履歴</a>"));
}

TEST(ActivityPage, EscapesEveryValue) {
  const std::string hostile(kHostile);
  auto view = base<ActivityView>(Locale::Japanese);
  auto r = record(hostile, {hostile});
  r.tenant = r.entity_id = r.purpose = hostile;
  r.type = hostile;
  view.records = {r};
  const std::string html = render_activity(view);
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "\" onload=\""));
  // Service, record, tenant and purpose whole; the type and the item cut at their last '/'.
  EXPECT_EQ(count(html, kHostileEscaped), 4u);
  EXPECT_EQ(count(html, "<dd>script&gt;\" onload=\"x&#39; &amp;amp;</dd>"), 0u);
  EXPECT_EQ(count(html, "<dd>script&gt;&quot; onload=&quot;x&#39; &amp;amp;</dd>"), 2u);
}

// --- The account page links to both ----------------------------------------------------------

TEST(AccountPage, LinksToTheConsentsAndTheActivityInItsLanguage) {
  auto view = base<AccountView>(Locale::Japanese);
  view.email = "hanako@example.jp";
  std::string html = render_account(view);
  EXPECT_TRUE(has(html, "<h2>個人データの利用</h2>"));
  EXPECT_TRUE(has(html,
                  "<a href=\"/account/consents?ui_locales=ja\">データ利用の同意の確認・撤回"
                  "</a>"));
  EXPECT_TRUE(has(html, "<a href=\"/account/activity?ui_locales=ja\">データの利用履歴</a>"));
  view.locale = Locale::English;
  html = render_account(view);
  EXPECT_TRUE(has(html, "<h2>Your personal data</h2>"));
  EXPECT_TRUE(has(html,
                  "<a href=\"/account/consents?ui_locales=en\">Consents to use your data"
                  "</a>"));
  EXPECT_TRUE(has(html,
                  "<a href=\"/account/activity?ui_locales=en\">Who used your data and when"
                  "</a>"));
}

}  // namespace
}  // namespace tsunagu::api::oidc
