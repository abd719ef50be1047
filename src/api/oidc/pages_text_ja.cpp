// The Japanese catalogue: polite です/ます, in the words residents know from municipal services.

#include "api/oidc/pages_text.hpp"

namespace tsunagu::api::oidc::pages {

// One switch without a default: a text missing here fails the build.
std::string_view japanese_text(Text text) {
  switch (text) {
    case Text::TitlePattern:
      return "{} | oneID";
    case Text::TitleWithProblem:
      return "エラー：{} | oneID";
    case Text::LanguageNavigation:
      return "言語の切り替え";
    case Text::OtherLanguage:
      return "English";
    case Text::ProblemHeading:
      return "入力内容をご確認ください";
    case Text::WrongCredentials:
      return "メールアドレスまたはパスワードが正しくありません。";
    case Text::TooManyAttempts:
      return "試行回数が上限を超えたため、一時的にご利用いただけません。{}分後にもう一度お試し"
             "ください。";
    case Text::TooManyAttemptsOneMinute:
      return "試行回数が上限を超えたため、一時的にご利用いただけません。1分後にもう一度お試し"
             "ください。";
    case Text::TooManyAttemptsLater:
      return "試行回数が上限を超えたため、一時的にご利用いただけません。しばらくしてからもう一度"
             "お試しください。";
    case Text::WrongCode:
      return "確認コードが正しくないか、すでに使用されています。認証アプリに表示されている最新の"
             "コードを入力してください。";
    case Text::PasswordTooShort:
      return "パスワードは{}文字以上で入力してください。";
    case Text::PasswordTooLong:
      return "パスワードが長すぎます。もう少し短いパスワードを入力してください。";
    case Text::PasswordIsEmail:
      return "メールアドレスと同じパスワードは使用できません。";
    case Text::InvalidEmail:
      return "メールアドレスの形式が正しくありません。"
             "例：name@example.jp のように入力してください。";
    case Text::EmailNotVerified:
      return "メールアドレスの確認が済んでいません。登録時にお送りしたメールのリンクを開いてから、"
             "ログインしてください。";
    case Text::LinkExpired:
      return "このリンクは有効期限が切れているか、すでに使用されています。お手数ですが、もう一度"
             "お手続きください。";
    case Text::SessionExpired:
      return "一定の時間が経過したため、手続きを続けられません。お手数ですが、最初からやり直して"
             "ください。";
    case Text::EmailLabel:
      return "メールアドレス";
    case Text::PasswordLabel:
      return "パスワード";
    case Text::NewPasswordLabel:
      return "新しいパスワード";
    case Text::PasswordHint:
      return "{}文字以上で入力してください。メールアドレスと同じものは使用できません。";
    case Text::NameLabel:
      return "お名前（任意）";
    case Text::NameHint:
      return "ニックネームでも構いません。";
    case Text::CodeLabel:
      return "確認コード";
    case Text::CodeHint:
      return "認証アプリに表示されている6桁の数字です。";
    case Text::LoginTitle:
      return "ログイン";
    case Text::LoginForService:
      return "「{}」をご利用になるには、oneID でログインしてください。";
    case Text::SignInWith:
      return "{} でログイン";
    case Text::LoginSubmit:
      return "ログイン";
    case Text::RegisterLink:
      return "新規登録";
    case Text::ForgotPasswordLink:
      return "パスワードをお忘れの方";
    case Text::TotpTitle:
      return "2段階認証";
    case Text::TotpIntro:
      return "ログインを完了するには、確認コードを入力してください。";
    case Text::TotpSubmit:
      return "確認する";
    case Text::RegisterTitle:
      return "新規登録";
    case Text::RegisterIntro:
      return "メールアドレスとパスワードを登録してください。登録後、メールアドレスの確認のための"
             "メールをお送りします。";
    case Text::RegisterSubmit:
      return "登録する";
    case Text::LoginLinkFromRegister:
      return "アカウントをお持ちの方はログイン";
    case Text::ConsentTitle:
      return "アクセスの許可";
    case Text::ConsentLead:
      return "「{}」が、次の情報の利用と操作の許可を求めています。";
    case Text::ConsentLeadUnnamed:
      return "サービスが、次の情報の利用と操作の許可を求めています。";
    case Text::ConsentQuestion:
      return "許可しますか？";
    case Text::ConsentAllow:
      return "許可する";
    case Text::ConsentDeny:
      return "許可しない";
    case Text::ScopeOpenid:
      return "oneID の利用者識別子";
    case Text::ScopeProfile:
      return "お名前";
    case Text::ScopeEmail:
      return "メールアドレス";
    case Text::ScopeNgsiLdRead:
      return "あなたに代わって、プラットフォームのデータを読み取ること";
    case Text::ScopeNgsiLdWrite:
      return "あなたに代わって、プラットフォームのデータを変更すること";
    case Text::ScopeAdmin:
      return "プラットフォームの管理";
    case Text::ScopeConsent:
      return "あなたの個人データをどのサービスが利用できるかの確認と変更、利用履歴の確認";
    case Text::ForgotTitle:
      return "パスワードの再設定";
    case Text::ForgotIntro:
      return "ご登録のメールアドレスを入力してください。パスワードを再設定するためのリンクを"
             "お送りします。";
    case Text::ForgotSubmit:
      return "再設定用のリンクを送信する";
    case Text::BackToLogin:
      return "ログイン画面に戻る";
    case Text::ResetTitle:
      return "新しいパスワードの設定";
    case Text::ResetIntro:
      return "新しいパスワードを入力してください。";
    case Text::ResetSubmit:
      return "パスワードを変更する";
    case Text::RestartReset:
      return "パスワードの再設定をやり直す";
    case Text::AccountTitle:
      return "アカウント情報";
    case Text::AccountDetails:
      return "登録内容";
    case Text::EmailVerifiedState:
      return "（確認済み）";
    case Text::EmailUnverifiedState:
      return "（未確認）";
    case Text::NameTerm:
      return "お名前";
    case Text::NameUnset:
      return "未設定";
    case Text::EmailNotVerifiedNotice:
      return "メールアドレスの確認が済んでいません。お送りしたメールのリンクを開いてください。";
    case Text::TotpHeading:
      return "2段階認証";
    case Text::TotpOn:
      return "2段階認証は有効です。ログインの際に、認証アプリの確認コードも入力していただきます。";
    case Text::TotpOff:
      return "2段階認証は無効です。";
    case Text::TotpSetupIntro:
      return "有効にするには、認証アプリに次のキーを登録し、アプリに表示された確認コードを入力して"
             "ください。";
    case Text::TotpSecretLabel:
      return "キー";
    case Text::TotpUriLabel:
      return "設定用 URI（URI での登録に対応したアプリ向け）";
    case Text::TotpEnableSubmit:
      return "2段階認証を有効にする";
    case Text::TotpDisableIntro:
      return "無効にするには、パスワードを入力してください。";
    case Text::TotpDisableSubmit:
      return "2段階認証を無効にする";
    case Text::SignOutHeading:
      return "ログアウト";
    case Text::SignOutSubmit:
      return "ログアウトする";
    case Text::DeleteHeading:
      return "アカウントの削除";
    case Text::DeleteWarning:
      return "アカウントを削除すると、元に戻すことはできません。"
             "oneID でログインしていたサービスにもログインできなくなります。";
    case Text::DeleteSubmit:
      return "アカウントを削除する";
    case Text::YourDataHeading:
      return "個人データの利用";
    case Text::YourDataIntro:
      return "あなたの個人データを利用できるサービスの確認と同意の撤回、"
             "データがいつどのサービスに利用されたかの確認ができます。";
    case Text::ConsentsLink:
      return "データ利用の同意の確認・撤回";
    case Text::ActivityLink:
      return "データの利用履歴";
    case Text::ConsentsTitle:
      return "データ利用の同意";
    case Text::ConsentsIntro:
      return "あなたの個人データを利用できるサービスと、その利用目的を確認できます。同意はいつでも"
             "撤回できます。撤回した時点から、そのサービスはデータを利用できなくなります。";
    case Text::RequestsHeading:
      return "サービスからの同意の依頼";
    case Text::RequestsEmpty:
      return "回答を待っている依頼はありません。";
    case Text::ApproveSubmit:
      return "同意する";
    case Text::DeclineSubmit:
      return "同意しない";
    case Text::GrantsHeading:
      return "同意したサービス";
    case Text::GrantsEmpty:
      return "個人データの利用に同意したサービスはありません。";
    case Text::CategoryTerm:
      return "データの種類";
    case Text::PurposeTerm:
      return "利用目的";
    case Text::PurposeUnstated:
      return "記載なし";
    case Text::TenantTerm:
      return "データの管理区分";
    case Text::DefaultTenant:
      return "標準";
    case Text::GrantedTerm:
      return "同意した日時";
    case Text::ExpiresTerm:
      return "有効期限";
    case Text::WithdrawnTerm:
      return "撤回した日時";
    case Text::StateTerm:
      return "状態";
    case Text::StateActive:
      return "有効";
    case Text::StateExpired:
      return "期限切れ";
    case Text::StateWithdrawn:
      return "撤回済み";
    case Text::RequestedTerm:
      return "依頼日時";
    case Text::RequestUntilTerm:
      return "同意の有効期限";
    case Text::WithdrawSubmit:
      return "同意を撤回する";
    case Text::NoticeWithdrawn:
      return "同意を撤回しました。このサービスは、今後このデータを利用できません。";
    case Text::NoticeApproved:
      return "同意しました。表示の有効期限まで、このサービスはデータを利用できます。";
    case Text::NoticeDeclined:
      return "同意しないと回答しました。このサービスはデータを利用できません。";
    case Text::NoticeNotFound:
      return "該当する同意または依頼が見つかりません。";
    case Text::NoticeAlreadyAnswered:
      return "この依頼には、すでに回答済みです。";
    case Text::NoticeCannotApprove:
      return "この依頼には同意できなくなりました。期間が過ぎたか、"
             "サービスや対象のデータの登録内容が変わった可能性があります。";
    case Text::ActivityTitle:
      return "データの利用履歴";
    case Text::ActivityIntro:
      return "あなたの個人データを、いつ、どのサービスが、何のために利用したかを新しい順に表示して"
             "います。日時は協定世界時（UTC）です。";
    case Text::ActivityEmpty:
      return "あなたの個人データの利用履歴はありません。";
    case Text::ActivityNoOlder:
      return "これより前の利用履歴はありません。";
    case Text::WhenTerm:
      return "日時";
    case Text::ServiceTerm:
      return "サービス";
    case Text::TypeTerm:
      return "データの種別";
    case Text::EntityTerm:
      return "データの ID";
    case Text::AttributesTerm:
      return "項目";
    case Text::WholeEntity:
      return "すべての項目";
    case Text::OlderLink:
      return "以前の利用履歴";
    case Text::NewestLink:
      return "最新の利用履歴";
    case Text::TimeUtc:
      return "{}（UTC）";
    case Text::LogoutTitle:
      return "ログアウト";
    case Text::LogoutQuestion:
      return "oneID からログアウトしますか？";
    case Text::LogoutForService:
      return "「{}」からログアウトの要求がありました。";
    case Text::LogoutSubmit:
      return "ログアウトする";
    case Text::CheckYourMailTitle:
      return "メールをご確認ください";
    case Text::CheckYourMailBody:
      return "ご入力のメールアドレスにご案内をお送りしました。メールに記載のリンクを開いて、"
             "手続きを進めてください。メールが届かない場合は、迷惑メールフォルダもご確認ください。";
    case Text::EmailVerifiedTitle:
      return "メールアドレスを確認しました";
    case Text::EmailVerifiedBody:
      return "ログインして、oneID をご利用いただけます。";
    case Text::PasswordChangedTitle:
      return "パスワードを変更しました";
    case Text::PasswordChangedBody:
      return "新しいパスワードでログインしてください。";
    case Text::SignedOutTitle:
      return "ログアウトしました";
    case Text::SignedOutBody:
      return "oneID からログアウトしました。ご利用ありがとうございました。";
    case Text::AccountDeletedTitle:
      return "アカウントを削除しました";
    case Text::AccountDeletedBody:
      return "oneID のアカウントを削除しました。ご利用ありがとうございました。";
    case Text::TotpEnabledTitle:
      return "2段階認証を有効にしました";
    case Text::TotpEnabledBody:
      return "次回から、ログインの際に認証アプリの確認コードも入力していただきます。";
    case Text::TotpDisabledTitle:
      return "2段階認証を無効にしました";
    case Text::TotpDisabledBody:
      return "ログインの際に確認コードは不要になりました。";
    case Text::InvalidClientTitle:
      return "サービスを確認できません";
    case Text::InvalidClientBody:
      return "ログインを求めたサービスは oneID に登録されていません。お手数ですが、ご利用の"
             "サービスの窓口にお問い合わせください。";
    case Text::InvalidRedirectUriTitle:
      return "戻り先を確認できません";
    case Text::InvalidRedirectUriBody:
      return "ログイン後の戻り先が、サービスの登録内容と一致しないため、手続きを続けられません。"
             "お手数ですが、ご利用のサービスの窓口にお問い合わせください。";
    case Text::BadRequestTitle:
      return "お手続きを続けられません";
    case Text::BadRequestBody:
      return "リクエストの内容に不備があるため、手続きを続けられません。";
    case Text::MessageDetail:
      return "詳細：{}";
    case Text::ContinueToLogin:
      return "ログイン画面へ";
    case Text::BackToAccount:
      return "アカウント情報に戻る";
    case Text::VerificationMailSubject:
      return "【oneID】メールアドレスのご確認のお願い";
    case Text::VerificationMailBody:
      return "oneID にご登録いただき、ありがとうございます。\n"
             "\n"
             "次のリンクを開いて、メールアドレスの確認を完了してください。\n"
             "\n"
             "{}\n"
             "\n"
             "このメールにお心当たりのない場合は、"
             "どなたかが誤ってメールアドレスを入力した可能性があります。"
             "リンクは開かずに、このメールを削除してください。アカウントは有効になりません。\n"
             "\n"
             "oneID\n";
    case Text::ResetMailSubject:
      return "【oneID】パスワード再設定のご案内";
    case Text::ResetMailBody:
      return "oneID のパスワード再設定のお申し込みを受け付けました。\n"
             "\n"
             "次のリンクを開いて、新しいパスワードを設定してください。\n"
             "\n"
             "{}\n"
             "\n"
             "このメールにお心当たりのない場合は、リンクは開かずに、このメールを削除してください。"
             "パスワードは変更されません。\n"
             "\n"
             "oneID\n";
    case Text::AlreadyRegisteredMailSubject:
      return "【oneID】新規登録のお申し込みについて";
    case Text::AlreadyRegisteredMailBody:
      return "このメールアドレスで oneID の新規登録のお申し込みがありましたが、このメールアドレスは"
             "すでに登録されています。\n"
             "\n"
             "ご本人によるお申し込みで、パスワードをお忘れの場合は、"
             "次のリンクから再設定できます。\n"
             "\n"
             "{}\n"
             "\n"
             "このメールにお心当たりのない場合は、このメールを削除してください。アカウントに変更は"
             "ありません。\n"
             "\n"
             "oneID\n";
  }
  return {};
}

}  // namespace tsunagu::api::oidc::pages
