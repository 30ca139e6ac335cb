//! Every machine-readable error code of the contract, in one enum. Each code carries its HTTP status, a
//! title, and a message in each interface language for the pages to show. A code is never renamed or
//! removed once published; new codes are added here and nowhere else.

use actix_web::http::StatusCode;
use serde::Serialize;

use crate::lang::Lang;

/// Defines [`ErrorCode`] from one table: variant, wire code, status, title and the kk/ru/en messages.
macro_rules! error_codes {
    ($(
        $(#[$doc:meta])*
        $variant:ident = $code:literal, $status:ident, $title:literal,
            kk: $kk:literal, ru: $ru:literal, en: $en:literal;
    )*) => {
        /// A stable, machine-readable error code (`code` in every problem document).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as it appears on the wire (`deadline_passed`).
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status a problem with this code is sent with.
            pub const fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => StatusCode::$status,)* }
            }

            /// A short English title, the same for every occurrence of the code.
            pub const fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }

            /// What a person is told, in `lang`.
            pub const fn message(self, lang: Lang) -> &'static str {
                match self {
                    $(ErrorCode::$variant => match lang {
                        Lang::Kk => $kk,
                        Lang::Ru => $ru,
                        Lang::En => $en,
                    },)*
                }
            }
        }
    };
}

error_codes! {
    /// A body, query or path value is malformed or out of bounds.
    ValidationFailed = "validation_failed", UNPROCESSABLE_ENTITY, "Validation failed",
        kk: "Енгізілген деректер дұрыс емес.",
        ru: "Введённые данные неверны.",
        en: "The data sent is not valid.";
    /// No valid bearer token.
    Unauthorized = "unauthorized", UNAUTHORIZED, "Sign-in required",
        kk: "Жүйеге кіріңіз.",
        ru: "Войдите в систему.",
        en: "Please sign in.";
    /// The password, client secret or access code is wrong.
    InvalidCredentials = "invalid_credentials", UNAUTHORIZED, "Invalid credentials",
        kk: "Деректер қате: тексеріп, қайта енгізіңіз.",
        ru: "Неверные данные для входа: проверьте и введите снова.",
        en: "These sign-in details are not valid: check them and try again.";
    /// The caller's role may not do this.
    Forbidden = "forbidden", FORBIDDEN, "Forbidden",
        kk: "Бұл әрекетке рұқсатыңыз жоқ.",
        ru: "У вас нет прав на это действие.",
        en: "You are not allowed to do this.";
    /// No such resource (or not the caller's).
    NotFound = "not_found", NOT_FOUND, "Not found",
        kk: "Табылмады.",
        ru: "Не найдено.",
        en: "Not found.";
    /// A concurrent request made the same change first.
    Conflict = "conflict", CONFLICT, "Conflict",
        kk: "Бұл өзгерісті басқа сұраныс бұрын жасады.",
        ru: "Это изменение уже внесено другим запросом.",
        en: "Another request made this change first.";
    /// The section's time (with the grace for requests in flight) is over.
    DeadlinePassed = "deadline_passed", CONFLICT, "Deadline passed",
        kk: "Бөлімнің уақыты аяқталды.",
        ru: "Время раздела истекло.",
        en: "The time for this section is over.";
    /// The sitting is not open now.
    OutsideSittingWindow = "outside_sitting_window", CONFLICT, "Outside the sitting window",
        kk: "Тестілеу қазір өтпейді: басталу және аяқталу уақытын тексеріңіз.",
        ru: "Тестирование сейчас не проводится: проверьте время начала и окончания.",
        en: "This sitting is not open now: check its start and end times.";
    /// The path exists but does not take this method; `Allow` lists the methods it takes.
    MethodNotAllowed = "method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed",
        kk: "Бұл әрекетке мұндай сұраныс әдісімен рұқсат жоқ.",
        ru: "Этот метод запроса здесь не поддерживается.",
        en: "This request method is not supported here.";
    /// The request body is larger than the route accepts.
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE, "Payload too large",
        kk: "Жіберілген дерек тым үлкен.",
        ru: "Отправленные данные слишком велики.",
        en: "What was sent is too large.";
    /// The server is at capacity for this kind of request; `Retry-After` says when to try again.
    Busy = "busy", SERVICE_UNAVAILABLE, "Busy",
        kk: "Сервер бос емес: бірнеше секундтан соң қайталаңыз.",
        ru: "Сервер занят: повторите через несколько секунд.",
        en: "The server is busy: try again in a few seconds.";
    /// Too many requests of this kind from this caller; `Retry-After` says when to try again.
    RateLimited = "rate_limited", TOO_MANY_REQUESTS, "Rate limited",
        kk: "Сұраныстар тым жиі: біраз күтіп, қайталаңыз.",
        ru: "Слишком много запросов: подождите немного и повторите.",
        en: "Too many requests: wait a moment and try again.";
    /// A fault of the server; nothing about it is revealed.
    Internal = "internal", INTERNAL_SERVER_ERROR, "Internal error",
        kk: "Сервер қатесі. Қайталап көріңіз немесе бақылаушыға хабарлаңыз.",
        ru: "Ошибка сервера. Повторите попытку или сообщите наблюдателю.",
        en: "A server error occurred. Try again or tell the proctor.";
    /// A calibration run was applied already.
    AlreadyApplied = "already_applied", CONFLICT, "Already applied",
        kk: "Бұл калибрлеу бұрын қолданылған.",
        ru: "Эта калибровка уже применена.",
        en: "This calibration run has been applied already.";
    /// The candidate is registered for this sitting already.
    AlreadyRegistered = "already_registered", CONFLICT, "Already registered",
        kk: "Үміткер бұл тестілеуге тіркеліп қойған.",
        ru: "Кандидат уже зарегистрирован на это тестирование.",
        en: "The candidate is registered for this sitting already.";
    /// The certificate is revoked already.
    AlreadyRevoked = "already_revoked", CONFLICT, "Already revoked",
        kk: "Сертификаттың күші бұрын жойылған.",
        ru: "Сертификат уже отозван.",
        en: "The certificate has been revoked already.";
    /// An adaptive item's answer is final once the next item is shown.
    AnswerFinal = "answer_final", CONFLICT, "Answer final",
        kk: "Келесі сұрақ ашылғандықтан, бұл жауапты өзгерту мүмкін емес.",
        ru: "Ответ нельзя изменить: уже открыт следующий вопрос.",
        en: "This answer can no longer be changed: the next question has been shown.";
    /// The candidate has used every paid attempt for this blueprint.
    AttemptsExhausted = "attempts_exhausted", CONFLICT, "Attempts exhausted",
        kk: "Барлық талпыныс пайдаланылды.",
        ru: "Все попытки использованы.",
        en: "All attempts have been used.";
    /// The bank cannot fill the blueprint under its constraints.
    BlueprintInfeasible = "blueprint_infeasible", CONFLICT, "Blueprint infeasible",
        kk: "Тапсырмалар банкі бұл құрылымды толтыра алмайды.",
        ru: "Банк заданий не может заполнить эту спецификацию.",
        en: "The item bank cannot fill this blueprint.";
    /// The calibration did not produce estimates.
    CalibrationFailed = "calibration_failed", CONFLICT, "Calibration failed",
        kk: "Калибрлеу сәтсіз аяқталды.",
        ru: "Калибровка не удалась.",
        en: "The calibration failed.";
    /// A candidate with this document number exists.
    DuplicateDocument = "duplicate_document", CONFLICT, "Duplicate document",
        kk: "Бұл құжат нөмірімен үміткер бұрын тіркелген.",
        ru: "Кандидат с таким номером документа уже есть.",
        en: "A candidate with this document number exists already.";
    /// No form can be drawn for this candidate now.
    FormUnavailable = "form_unavailable", CONFLICT, "Form unavailable",
        kk: "Тест нұсқасын құру мүмкін болмады. Бақылаушыға хабарлаңыз.",
        ru: "Не удалось составить вариант теста. Сообщите наблюдателю.",
        en: "No test form could be drawn. Tell the proctor.";
    /// An `Idempotency-Key` was used before for another answer.
    IdempotencyKeyReused = "idempotency_key_reused", CONFLICT, "Idempotency key reused",
        kk: "Бұл сақтау кілті басқа жауап үшін қолданылған.",
        ru: "Этот ключ сохранения уже использован для другого ответа.",
        en: "This save key was used for another answer.";
    /// The calibration run did not converge and cannot be applied.
    NotConverged = "not_converged", CONFLICT, "Not converged",
        kk: "Калибрлеу жинақталмады, оны қолдануға болмайды.",
        ru: "Калибровка не сошлась, её нельзя применить.",
        en: "The calibration run did not converge and cannot be applied.";
    /// An item with that id exists already.
    ItemExists = "item_exists", CONFLICT, "Item exists",
        kk: "Мұндай нөмірлі тапсырма бар: оның жаңа нұсқасын ашыңыз.",
        ru: "Задание с таким номером уже есть: откройте его новую версию.",
        en: "An item with this id exists: open a new version of it.";
    /// Only a draft version is edited.
    NotADraft = "not_a_draft", CONFLICT, "Not a draft",
        kk: "Тек жоба нұсқасын өзгертуге болады: жаңа нұсқа ашыңыз.",
        ru: "Изменять можно только черновик: откройте новую версию.",
        en: "Only a draft can be edited: open a new version.";
    /// The transition needs another author than the one who asked for it (four eyes).
    SameAuthor = "same_author", CONFLICT, "Same author",
        kk: "Тапсырманы оны қарауға жіберген автордан басқа автор мақұлдауы керек.",
        ru: "Задание утверждает другой автор, не тот, кто отправил его на проверку.",
        en: "Another author than the one who sent it to review must approve it.";
    /// Retiring the item would leave a stored blueprint unable to fill a form.
    ItemRequired = "item_required", CONFLICT, "Item required",
        kk: "Бұл тапсырмасыз кейбір үлгі бойынша тест құрастыру мүмкін емес.",
        ru: "Без этого задания по одному из шаблонов нельзя собрать тест.",
        en: "A blueprint cannot fill its forms without this item.";
    /// Items of this type are not drawn onto forms (writing: the service has no rating yet).
    NotDeliverable = "not_deliverable", CONFLICT, "Not deliverable",
        kk: "Бұл түрдегі тапсырма тестке әзірге қосылмайды: жазылым жұмысын бағалау әлі жоқ.",
        ru: "Задания этого типа пока не включаются в тесты: оценивания письменных работ ещё нет.",
        en: "Items of this type are not put on forms yet: writing cannot be rated.";
    /// The uploaded file is not what the route accepts.
    UnsupportedMedia = "unsupported_media", UNSUPPORTED_MEDIA_TYPE, "Unsupported media",
        kk: "Бұл файл түрі қабылданбайды.",
        ru: "Этот тип файла не принимается.",
        en: "This kind of file is not accepted.";
    /// Too few responses to calibrate.
    NotEnoughResponses = "not_enough_responses", CONFLICT, "Not enough responses",
        kk: "Калибрлеуге жауаптар жеткіліксіз.",
        ru: "Недостаточно ответов для калибровки.",
        en: "There are not enough responses to calibrate.";
    /// The session has no result yet.
    ResultNotReady = "result_not_ready", CONFLICT, "Result not ready",
        kk: "Нәтиже әлі дайын емес.",
        ru: "Результат ещё не готов.",
        en: "The result is not ready yet.";
    /// A submit named a section other than the open one.
    SectionMismatch = "section_mismatch", CONFLICT, "Section mismatch",
        kk: "Бұл бөлім қазір ашық емес.",
        ru: "Этот раздел сейчас не открыт.",
        en: "That section is not the open one.";
    /// The item's section has not opened yet.
    SectionNotOpen = "section_not_open", CONFLICT, "Section not open",
        kk: "Бұл бөлім әлі ашылған жоқ.",
        ru: "Этот раздел ещё не открыт.",
        en: "This section has not opened yet.";
    /// The session is finished.
    SessionFinished = "session_finished", CONFLICT, "Session finished",
        kk: "Тест аяқталды.",
        ru: "Тест завершён.",
        en: "The test is finished.";
    /// The sitting has closed.
    SittingClosed = "sitting_closed", CONFLICT, "Sitting closed",
        kk: "Тестілеу жабылды.",
        ru: "Тестирование закрыто.",
        en: "The sitting has closed.";
    /// A candidate request from outside the sitting's network.
    OutsideCentreNetwork = "outside_centre_network", FORBIDDEN, "Outside the centre's network",
        kk: "Бұл тестілеуге тек тест орталығының желісінен кіруге болады.",
        ru: "Это тестирование доступно только из сети тестового центра.",
        en: "This sitting can be taken only from the test centre's network.";
    /// The sitting is taken in Safe Exam Browser and the request did not prove it.
    SebRequired = "seb_required", FORBIDDEN, "Safe Exam Browser required",
        kk: "Тестті орталықтың баптауларымен Safe Exam Browser арқылы ашыңыз.",
        ru: "Откройте тест в Safe Exam Browser с настройками центра.",
        en: "Open the test in Safe Exam Browser with the centre's configuration.";
    /// A proctor has paused the session.
    SessionPaused = "session_paused", CONFLICT, "Session paused",
        kk: "Бақылаушы тестті тоқтата тұрды. Күте тұрыңыз.",
        ru: "Наблюдатель приостановил тест. Пожалуйста, подождите.",
        en: "A proctor has paused the test. Please wait.";
    /// A proctor has ended the session.
    SessionTerminated = "session_terminated", CONFLICT, "Session terminated",
        kk: "Бақылаушы тестті тоқтатты.",
        ru: "Наблюдатель завершил тест.",
        en: "A proctor has ended the test.";
    /// The session waits for a proctor to let it start.
    AwaitingAuthorization = "awaiting_authorization", CONFLICT, "Awaiting authorization",
        kk: "Бақылаушының рұқсатын күтіңіз.",
        ru: "Дождитесь разрешения наблюдателя.",
        en: "Wait for the proctor to let you start.";
    /// The candidate is barred from registering until a date.
    CandidateBanned = "candidate_banned", CONFLICT, "Candidate banned",
        kk: "Үміткерге белгілі бір күнге дейін тіркелуге тыйым салынған.",
        ru: "Кандидату запрещена регистрация до указанной даты.",
        en: "The candidate may not register until the date given.";
    /// The review was decided already.
    AlreadyDecided = "already_decided", CONFLICT, "Already decided",
        kk: "Бұл нәтиже бойынша шешім бұрын қабылданған.",
        ru: "По этому результату решение уже принято.",
        en: "This result has been decided already.";
    /// The recording has been played as often as its section allows.
    PlayLimitReached = "play_limit_reached", CONFLICT, "Play limit reached",
        kk: "Бұл жазбаны тыңдау мүмкіндігі таусылды.",
        ru: "Эту запись больше нельзя прослушать.",
        en: "This recording has been played as often as allowed.";
    /// The action does not fit the session's state (resume a session that is not paused, …).
    InvalidTransition = "invalid_transition", CONFLICT, "Invalid transition",
        kk: "Сессияның қазіргі күйінде бұл әрекетті орындауға болмайды.",
        ru: "Это действие невозможно в текущем состоянии сессии.",
        en: "This action is not possible in the session's current state.";
    /// The resource changed since the version the request was based on.
    VersionConflict = "version_conflict", CONFLICT, "Version conflict",
        kk: "Нұсқа өзгерген: жаңартып, қайталаңыз.",
        ru: "Версия изменилась: обновите и повторите.",
        en: "The version has changed: reload and try again.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_has_a_title_a_status_and_a_message_in_every_language() {
        let mut wire = HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(wire.insert(code.as_str()), "{code} appears twice");
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str()),
                "the serialized form of {code:?} is its wire code"
            );
            assert!(!code.title().is_empty(), "{code} has no title");
            assert!(
                code.status().is_client_error() || code.status().is_server_error(),
                "{code} is not an error status"
            );
            let messages: Vec<&str> = Lang::ALL.iter().map(|&l| code.message(l)).collect();
            for (lang, m) in Lang::ALL.iter().zip(&messages) {
                assert!(!m.trim().is_empty(), "{code} has no {lang:?} message");
            }
            assert_ne!(
                messages[0], messages[2],
                "{code}: the kk message is English"
            );
            assert_ne!(
                messages[1], messages[2],
                "{code}: the ru message is English"
            );
            assert!(
                messages[..2].iter().all(|m| m
                    .chars()
                    .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)))),
                "{code}: the kk and ru messages are written in Cyrillic"
            );
        }
    }

    #[test]
    fn wire_codes_are_snake_case() {
        for &code in ErrorCode::ALL {
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
        }
    }
}
