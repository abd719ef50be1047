#include "notify/mail.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/ascii.hpp"

namespace tsunagu::notify {
namespace {

constexpr std::size_t kMaxLine = 78;         // RFC 5322 section 2.1.1, without the CRLF
constexpr std::size_t kMaxEncodedWord = 75;  // RFC 2047 section 2
constexpr std::size_t kBodyLine = 76;        // RFC 2045 section 6.8
constexpr std::size_t kMaxAddress = 254;     // RFC 5321 path limit less the angle brackets
constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr std::string_view kCrlf = "\r\n";

std::unexpected<Error> bad_mail(std::string message) {
  return fail(ErrorKind::BadRequestData, "mail: " + std::move(message));
}

// The length of the UTF-8 sequence that starts at text[i], or 0 when none does (a stray
// continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or a cut-off sequence).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2, cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3, cp = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4, cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  static constexpr std::array<std::uint32_t, 5> kMinimum = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto n = utf8_length(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool is_printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// RFC 5322 atext: what a display name may hold without quotes.
bool is_atext(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         kSpecials.find(c) != std::string_view::npos;
}

// Line breaks as CRLF, whatever the caller used: LF, CRLF or a lone CR.
std::string canonical_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += kCrlf;
    } else if (text[i] == '\n') {
      out += kCrlf;
    } else {
      out += text[i];
    }
  }
  return out;
}

// One header field being written, folded before a word that would not fit on the current line.
// A fold inserts CRLF before the space that separates two words, so unfolding (removing the CRLF)
// gives back the words with their single space.
class HeaderWriter {
 public:
  explicit HeaderWriter(std::string_view name)
      : out_(std::string(name) + ":"), column_(out_.size()) {}

  // Room for a word after the separating space, on the current line.
  std::size_t room() const { return column_ + 1 >= kMaxLine ? 0 : kMaxLine - column_ - 1; }
  // Room on a continuation line, which starts with the space.
  static constexpr std::size_t fresh_room() { return kMaxLine - 1; }

  // Folds before a word that does not fit; callers keep words within fresh_room(). After the
  // field name alone this gives "Name:" CRLF SP word, which is folding white space too.
  void word(std::string_view w) {
    if (w.size() > room()) out_ += kCrlf, column_ = 0;
    out_ += ' ';
    out_ += w;
    column_ += 1 + w.size();
  }

  std::string finish() && { return std::move(out_) + std::string(kCrlf); }

 private:
  std::string out_;
  std::size_t column_;
};

// How many base64 characters encode n bytes.
constexpr std::size_t base64_size(std::size_t n) {
  return (n + 2) / 3 * 4;
}

// `text` (valid UTF-8) as encoded-words, each of whole characters and as long as the room on its
// line allows; a word that would hold less than a quarter of a line starts a new line instead.
void encoded_words(HeaderWriter& header, std::string_view text) {
  constexpr std::size_t kOverhead = kWordPrefix.size() + kWordSuffix.size();
  const auto longest = [&](std::size_t begin, std::size_t limit) {
    std::size_t end = begin;
    while (end < text.size()) {
      const auto n = std::max<std::size_t>(utf8_length(text, end), 1);
      if (kOverhead + base64_size(end + n - begin) > limit) break;
      end += n;
    }
    return end;
  };
  for (std::size_t i = 0; i < text.size();) {
    auto end = longest(i, std::min(header.room(), kMaxEncodedWord));
    if (end == i || kOverhead + base64_size(end - i) < HeaderWriter::fresh_room() / 4) {
      const auto fresh = longest(i, std::min(HeaderWriter::fresh_room(), kMaxEncodedWord));
      if (fresh > end) end = fresh;
    }
    header.word(std::string(kWordPrefix) + base64_encode(text.substr(i, end - i)) +
                std::string(kWordSuffix));
    i = end;
  }
}

// Words of an ASCII text split at single spaces, when each fits on its line (the first after
// `first_room`); nullopt otherwise, or when the spacing is not single spaces (folding could not
// keep it).
std::optional<std::vector<std::string_view>> foldable_words(std::string_view text,
                                                            std::size_t first_room) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto space = std::min(text.find(' ', start), text.size());
    const auto w = text.substr(start, space - start);
    const auto room = words.empty() ? first_room : HeaderWriter::fresh_room();
    if (w.empty() || w.size() > room) return std::nullopt;
    words.push_back(w);
    start = space + 1;
  }
  return words;
}

// Unstructured text (Subject): as it is when it is printable ASCII that folds at spaces and does
// not look like an encoded-word, which a reader would decode; otherwise encoded-words.
std::string unstructured_field(std::string_view name, std::string_view text) {
  if (text.empty()) return std::string(name) + ":" + std::string(kCrlf);
  HeaderWriter header(name);
  auto words = is_printable_ascii(text) && text.find("=?") == std::string_view::npos
                   ? foldable_words(text, header.room())
                   : std::nullopt;
  if (words) {
    for (auto w : *words) header.word(w);
  } else {
    encoded_words(header, text);
  }
  return std::move(header).finish();
}

// A display name as atoms, a quoted-string or encoded-words, whichever it needs.
void display_name(HeaderWriter& header, std::string_view name) {
  if (!is_printable_ascii(name) || name.find("=?") != std::string_view::npos) {
    return encoded_words(header, name);
  }
  auto words = foldable_words(name, header.room());
  const bool atoms = words && std::all_of(name.begin(), name.end(),
                                          [](char c) { return c == ' ' || is_atext(c); });
  if (atoms) {
    for (auto w : *words) header.word(w);
    return;
  }
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  header.word(quoted + "\"");
}

std::string address_field(std::string_view name, const Mailbox& mailbox) {
  HeaderWriter header(name);
  if (mailbox.display_name.empty()) {
    header.word(mailbox.address);
  } else {
    display_name(header, mailbox.display_name);
    header.word("<" + mailbox.address + ">");
  }
  return std::move(header).finish();
}

std::string body_lines(std::string_view text) {
  const auto encoded = base64_encode(canonical_text(text));
  std::string out;
  out.reserve(encoded.size() + encoded.size() / kBodyLine * 2 + 2);
  for (std::size_t i = 0; i < encoded.size(); i += kBodyLine) {
    out += encoded.substr(i, kBodyLine);
    out += kCrlf;
  }
  return out;
}

// Unquotes a quoted-string display name: "\"Name, Inc.\"" -> "Name, Inc.".
std::optional<std::string> unquote(std::string_view text) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
    if (text.find('"') != std::string_view::npos) return std::nullopt;  // a quote gone astray
    return std::string(text);
  }
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\\') {
      if (++i + 1 >= text.size()) return std::nullopt;
    } else if (text[i] == '"') {
      return std::nullopt;
    }
    out += text[i];
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return model::ascii_lower(a) == model::ascii_lower(b);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(base64_size(bytes.size()));
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto b = [&](std::size_t k) -> std::uint32_t {
      return i + k < bytes.size() ? static_cast<unsigned char>(bytes[i + k]) : 0u;
    };
    const std::uint32_t group = (b(0) << 16) | (b(1) << 8) | b(2);
    const std::size_t present = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= present ? kAlphabet[(group >> (18 - 6 * k)) & 0x3Fu] : '=';
    }
  }
  return out;
}

Status check_address(std::string_view address) {
  static constexpr std::string_view kForbidden = "<>,;:\"()[]\\";
  const auto at = address.find('@');
  if (address.empty() || address.size() > kMaxAddress) {
    return bad_mail("an address must have 1 to 254 characters");
  }
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return bad_mail("an address needs exactly one '@' with something on both sides");
  }
  for (char c : address) {
    if (c <= 0x20 || c >= 0x7F) {
      return bad_mail("an address must be ASCII without spaces or control characters");
    }
    if (kForbidden.find(c) != std::string_view::npos) {
      return bad_mail(fmt::format("an address must not contain '{}'", c));
    }
  }
  const auto domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return bad_mail("the domain of an address must not have empty labels");
  }
  return ok();
}

Status check_mail(const Mail& mail) {
  if (auto st = check_address(mail.to); !st) return st;
  if (mail.subject.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
    return bad_mail("the subject must be one line (no CR, LF or NUL)");
  }
  if (!is_utf8(mail.subject)) return bad_mail("the subject must be UTF-8");
  if (mail.text.empty()) return bad_mail("the text must not be empty");
  if (!is_utf8(mail.text)) return bad_mail("the text must be UTF-8");
  return ok();
}

Result<Mailbox> parse_mailbox(std::string_view text) {
  text = model::trim_ows(text);
  if (!text.ends_with('>')) {
    if (auto st = check_address(text); !st) return std::unexpected(st.error());
    return Mailbox{{}, std::string(text)};
  }
  const auto open = text.rfind('<');
  if (open == std::string_view::npos) return bad_mail("'<' missing before the address");
  const auto address = text.substr(open + 1, text.size() - open - 2);
  if (auto st = check_address(address); !st) return std::unexpected(st.error());
  const auto name = unquote(model::trim_ows(text.substr(0, open)));
  if (!name || name->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
      !is_utf8(*name)) {
    return bad_mail("the display name must be one line of UTF-8, quoted properly");
  }
  return Mailbox{*name, std::string(address)};
}

std::string format_mail_date(model::Timestamp date) {
  using namespace std::chrono;
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(date);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(date - day)};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kDays[weekday{day}.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string render_eml(const Mail& mail, std::string_view from, model::Timestamp date,
                       std::string_view message_id) {
  // What is not valid is still rendered without a line break of its own: the CR and LF that
  // check_mail() refuses become spaces here, so no input can add a header.
  const auto one_line = [](std::string_view text) {
    std::string out(text);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
    return out;
  };
  auto sender = parse_mailbox(from);
  std::string out;
  out += sender ? address_field("From", *sender) : "From: " + one_line(from) + std::string(kCrlf);
  out += "To: " + one_line(mail.to) + std::string(kCrlf);
  out += unstructured_field("Subject", one_line(mail.subject));
  out += "Date: " + format_mail_date(date) + std::string(kCrlf);
  out += "Message-ID: <" + one_line(message_id) + ">" + std::string(kCrlf);
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += kCrlf;
  out += body_lines(mail.text);
  return out;
}

Result<std::string> header_field(std::string_view message, std::string_view name) {
  const auto end = message.find("\r\n\r\n");
  const auto head = message.substr(0, end == std::string_view::npos ? message.size() : end + 2);
  std::optional<std::string> value;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = head.size();
    const auto line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.starts_with(' ') || line.starts_with('\t')) {  // a continuation line
      if (value) *value += line;
      continue;
    }
    if (value) break;
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && iequals(line.substr(0, colon), name)) {
      value = std::string(line.substr(colon + 1));
    }
  }
  if (!value) return bad_mail("no " + std::string(name) + " header");
  return std::string(model::trim_ows(*value));
}

Result<std::string> header_address(std::string_view message, std::string_view name) {
  auto value = header_field(message, name);
  if (!value) return std::unexpected(value.error());
  auto mailbox = parse_mailbox(*value);
  if (!mailbox) {
    return bad_mail(std::string(name) + " header: " + mailbox.error().message);
  }
  return mailbox->address;
}

}  // namespace tsunagu::notify
