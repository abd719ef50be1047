#pragma once
// Mail to residents (oneID's address verification and password reset) as an Internet message:
// the headers and MIME framing of RFC 5322 and RFC 2045-2047, written as the bytes that go into
// the outbox (mail_outbox.hpp) and, unchanged, over SMTP (smtp_relay.hpp).
//
// What render_eml() writes, and why:
//   - CRLF line endings throughout: SMTP carries nothing else, and the spooled file is sent as it
//     is, so it is in wire form already.
//   - The body is text/plain; charset=UTF-8 in base64, lines of 76 characters (RFC 2045 section
//     6.8). Base64 rather than 8bit: no relay in between needs 8BITMIME, no line is ever too
//     long, and a line that starts with "." or "From " reaches the resident as written. Before
//     encoding, line breaks become CRLF (the canonical form of text, RFC 2045 section 6.8).
//   - Headers that carry text outside printable ASCII (a Japanese subject, a Japanese display
//     name in From) are RFC 2047 encoded-words, "=?UTF-8?B?...?=", each holding whole characters,
//     folded so that no line of these headers exceeds 78 characters (RFC 5322 section 2.1.1).
//     Plain ASCII subjects are written as they are and folded at spaces.
//   - Addresses are ASCII addr-specs: a non-ASCII address would need SMTPUTF8 from every relay on
//     the way; a Japanese domain is given in its xn-- (IDNA) form.

#include <string>
#include <string_view>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::notify {

// One message to one resident. All text is UTF-8.
struct Mail {
  std::string to;       // an addr-spec, "hanako@example.jp"
  std::string subject;  // one line
  std::string text;     // the plain-text body; LF or CRLF line breaks
};

// A mailbox as written in From and To: an optional display name and an addr-spec.
struct Mailbox {
  std::string display_name;  // UTF-8, without quotes; empty when there is none
  std::string address;
};

// BadRequestData naming what is wrong: an address that is not one plausible ASCII addr-spec (one
// '@' with something on both sides, no spaces or control characters, none of the characters that
// would make it a list, a group, a route or a quoted string: < > , ; : " ( ) [ ] \, at most 254
// bytes), a subject with CR, LF or NUL (header injection), a subject or text that is not UTF-8,
// or an empty text.
Status check_mail(const Mail& mail);

// BadRequestData unless `address` is a plausible addr-spec as check_mail() describes.
Status check_address(std::string_view address);

// Reads "addr@example.jp", "Name <addr@example.jp>" or "\"Name, Inc.\" <addr@example.jp>"; the
// name may be UTF-8 ("つなぐ <noreply@example.jp>"). BadRequestData for anything else.
Result<Mailbox> parse_mailbox(std::string_view text);

// The message, headers in this order: From, To, Subject, Date, Message-ID, MIME-Version,
// Content-Type, Content-Transfer-Encoding; then the base64 body. `from` must satisfy
// parse_mailbox() and `mail` check_mail() (callers check first; what fails is rendered as well as
// it can be, never with a line break that was not ours). `message_id` is the id without angle
// brackets ("20240131T093000Z-3f9a@example.jp"). The Date is `date` in UTC, to the second.
std::string render_eml(const Mail& mail, std::string_view from, model::Timestamp date,
                       std::string_view message_id);

// The unfolded value of the first header field called `name` (case-insensitive) in the header
// section of `message`, with RFC 2047 encoded-words left as they are; BadRequestData when there
// is none. For reading back what render_eml() wrote (the relay takes its envelope from it).
Result<std::string> header_field(std::string_view message, std::string_view name);

// The addr-spec of the mailbox in the header field `name` ("To", "From") of `message`.
Result<std::string> header_address(std::string_view message, std::string_view name);

// "Wed, 31 Jan 2024 09:30:00 +0000" (RFC 5322 section 3.3), in UTC.
std::string format_mail_date(model::Timestamp date);

// Standard base64 with padding (RFC 4648 section 4), on one line.
std::string base64_encode(std::string_view bytes);

}  // namespace tsunagu::notify
