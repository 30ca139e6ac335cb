//! Every word the pages show, in Kazakh, Russian and English. The server's own markup and the pages'
//! scripts read the same tables: a script gets the page language's column as JSON,
//! with `error.<code>` for every [`ErrorCode`] (its own message), so that a problem+json answer is told
//! in the page's language; a code the page does not know shows the API's `detail`. `{name}` marks a
//! value filled in where the text is used.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::Lang;
use crate::error::ErrorCode;

/// `(key, kk, ru, en)`.
pub(super) type Row = (&'static str, &'static str, &'static str, &'static str);

/// Every table of texts: the public and candidate pages' below, the staff pages' beside their code. A
/// key is unique across all of them.
const TABLES: &[&[Row]] = &[TEXTS, super::staff::TEXTS];

/// Every row of every table.
fn rows() -> impl Iterator<Item = &'static Row> {
    TABLES.iter().flat_map(|table| table.iter())
}

#[rustfmt::skip]
const TEXTS: &[Row] = &[
    // Every page.
    ("site.name", "Synaq", "Synaq", "Synaq"),
    ("site.tagline", "Қазақ тілін білуді тестілеу", "Тестирование по казахскому языку", "Kazakh language testing"),
    ("site.language", "Тіл", "Язык", "Language"),
    ("site.skip", "Негізгі мазмұнға өту", "Перейти к содержимому", "Skip to the content"),
    ("site.noscript", "Бұл бет JavaScript қосулы болғанда ғана жұмыс істейді.", "Эта страница работает только с включённым JavaScript.", "This page needs JavaScript to be turned on."),

    // The links page.
    ("home.title", "Мемлекеттік тілді білу тесті", "Тест на знание государственного языка", "State-language proficiency test"),
    ("home.intro", "Synaq қазақ тілін білу тестін өткізеді және оның сертификаттарын тексереді.", "Synaq проводит тест на знание казахского языка и проверяет его сертификаты.", "Synaq runs the Kazakh language proficiency test and checks its certificates."),
    ("home.sit", "Тестті тапсыру", "Сдать тест", "Sit the test"),
    ("home.sit_text", "Тіркеу нөмірі мен кіру кодымен кіріңіз.", "Войдите по номеру регистрации и коду доступа.", "Sign in with your registration ID and access code."),
    ("home.verify", "Сертификатты тексеру", "Проверить сертификат", "Check a certificate"),
    ("home.verify_text", "Сертификаттағы QR кодты сканерлеңіз немесе оның нөмірін енгізіңіз.", "Отсканируйте QR-код сертификата или введите его номер.", "Scan the QR code on a certificate, or enter its number."),
    ("home.staff", "Қызметкерлерге", "Для сотрудников", "For staff"),
    ("home.proctor", "Бақылаушы беті", "Страница наблюдателя", "Proctoring"),
    ("home.author", "Тапсырмалар банкі", "Банк заданий", "Item bank"),
    ("home.api", "API сипаттамасы (OpenAPI)", "Описание API (OpenAPI)", "API description (OpenAPI)"),

    // Signing in.
    ("sit.title", "Тест тапсыру", "Сдача теста", "Sitting the test"),
    ("signin.heading", "Тестке кіру", "Вход в тест", "Sign in to your test"),
    ("signin.intro", "Тіркеу кезінде берілген тіркеу нөмірі мен кіру кодын енгізіңіз.", "Введите номер регистрации и код доступа, выданные при регистрации.", "Enter the registration ID and the access code you were given when you registered."),
    ("field.registration_id", "Тіркеу нөмірі", "Номер регистрации", "Registration ID"),
    ("field.registration_id_hint", "Тіркеу парағында жазылғандай; бос орындар маңызды емес.", "Как напечатано в листке регистрации; пробелы не важны.", "As printed on your registration slip; spaces do not matter."),
    ("field.access_code", "Кіру коды", "Код доступа", "Access code"),
    ("field.access_code_hint", "12 таңба, мысалы K7XM-2345-ABCE. Бос орын мен сызықша маңызды емес, орыс пернетақтасымен терілген әріптер де қабылданады.", "12 знаков, например K7XM-2345-ABCE. Пробелы и дефисы не важны, буквы, набранные в русской раскладке, тоже принимаются.", "12 characters, for example K7XM-2345-ABCE. Spaces and dashes do not matter, and letters typed on a Russian keyboard are understood."),
    ("button.sign_in", "Кіру", "Войти", "Sign in"),
    ("signin.busy", "Кіруде…", "Вход…", "Signing in…"),
    ("signin.again", "Қайта кіріңіз: кіру мерзімі бітті. Жіберілмеген жауаптар осы компьютерде сақталған.", "Войдите снова: срок входа истёк. Неотправленные ответы сохранены на этом компьютере.", "Please sign in again: your sign-in has expired. Answers not yet sent are kept on this computer."),

    // Before the clock starts.
    ("prepare.heading", "Тест басталар алдында", "Перед началом теста", "Before you start"),
    ("prepare.rule_sections", "Тест бөлімдерден тұрады. Әр бөлімнің өз уақыты бар; қалған уақыт экранның жоғарғы жағында көрсетіледі.", "Тест состоит из разделов. У каждого раздела своё время; оставшееся время показано вверху экрана.", "The test has sections, each with its own time limit; the time left is shown at the top of the screen."),
    ("prepare.rule_clock", "Уақытты сервер санайды: бет жаңартылса немесе компьютер ауыстырылса да, уақыт тоқтамайды.", "Время считает сервер: оно не останавливается, если страница перезагрузится или вы перейдёте за другой компьютер.", "The server keeps the time: it does not stop if the page reloads or you move to another computer."),
    ("prepare.rule_saving", "Әр жауап бірден сақталады. Байланыс үзілсе, жауаптар осы компьютерде сақталып, байланыс қалпына келгенде жіберіледі.", "Каждый ответ сохраняется сразу. Если связь пропадёт, ответы сохранятся на этом компьютере и будут отправлены, когда она восстановится.", "Every answer is saved at once. If the connection drops, your answers are kept on this computer and sent when it returns."),
    ("prepare.rule_listening", "Тыңдалым тапсырмасының аудиосын екі рет қана тыңдауға болады.", "Аудиозапись задания на аудирование можно прослушать только два раза.", "Each listening recording can be played twice only."),
    ("prepare.rule_submit", "Бөлімді тапсырғаннан кейін оған қайта оралуға болмайды.", "После сдачи раздела вернуться к нему нельзя.", "Once you submit a section you cannot go back to it."),
    ("prepare.rule_language", "Тапсырмалар қазақ тілінде. Нұсқаулардың тілін беттің жоғарғы жағынан таңдаңыз.", "Задания на казахском языке. Язык инструкций можно выбрать вверху страницы.", "The questions are in Kazakh. Choose the language of these instructions at the top of the page."),
    ("sound.heading", "Дыбыс", "Звук", "Sound"),
    ("sound.intro", "Құлаққапты киіп, түймені басыңыз: қысқа сөйлемді анық естуіңіз керек.", "Наденьте наушники и нажмите кнопку: вы должны ясно услышать короткую фразу.", "Put on your headphones and press the button: you should hear a short sentence clearly."),
    ("button.sound_check", "Дыбысты тексеру", "Проверить звук", "Test the sound"),
    ("sound.after", "Естімесеңіз, дыбысты көтеріп, қайта басыңыз немесе бақылаушыға айтыңыз.", "Если не слышно, прибавьте громкость и нажмите ещё раз или скажите наблюдателю.", "If you heard nothing, turn the volume up and try again, or tell the proctor."),
    ("fullscreen.heading", "Толық экран", "Полноэкранный режим", "Full screen"),
    ("fullscreen.intro", "Тест толық экранда өтеді. Толық экраннан шығу бақылаушыға белгіленеді.", "Тест проходит в полноэкранном режиме. Выход из него отмечается для наблюдателя.", "The test runs in full screen. Leaving full screen is noted for the proctor."),
    ("button.fullscreen", "Толық экранға өту", "Перейти в полноэкранный режим", "Enter full screen"),
    ("fullscreen.unavailable", "Браузер толық экранға өте алмады; тестті жалғастыра беруге болады.", "Браузер не смог перейти в полноэкранный режим; тест можно продолжать.", "This browser could not enter full screen; you may still go on."),
    ("button.start", "Бастау", "Начать", "Start"),
    ("start.note", "«Бастау» түймесін басқанда уақыт басталады. Тест басталып қойса, тоқтаған жерінен жалғасады.", "Время пойдёт, когда вы нажмёте «Начать». Если тест уже начат, он продолжится с того же места.", "The clock starts when you press Start. If your test has already begun, it goes on where you left it."),

    // The runner.
    ("timer.label", "Қалған уақыт", "Осталось времени", "Time left"),
    ("timer.warn5", "5 минут қалды", "Осталось 5 минут", "5 minutes left"),
    ("timer.warn1", "1 минут қалды", "Осталась 1 минута", "1 minute left"),
    ("timer.over", "Уақыт бітті. Сервердің жауабы күтілуде…", "Время вышло. Ожидается ответ сервера…", "Time is up. Waiting for the server…"),
    ("save.idle", "Жауаптар өздігінен сақталады", "Ответы сохраняются автоматически", "Answers are saved automatically"),
    ("save.saving", "Сақталуда…", "Сохранение…", "Saving…"),
    ("save.saved", "Сақталды", "Сохранено", "Saved"),
    ("save.offline", "Байланыс жоқ: жауаптар осы компьютерде сақталды, байланыс қалпына келгенде жіберіледі", "Нет связи: ответы сохранены на этом компьютере и будут отправлены, когда связь восстановится", "Offline: your answers are kept on this computer and will be sent when the connection returns"),
    ("save.refused", "{n}-сұрақтың жауабы сақталмады: {reason}", "Ответ на вопрос {n} не сохранён: {reason}", "The answer to question {n} was not saved: {reason}"),
    ("item.counter", "{n}-сұрақ, барлығы {total}", "Вопрос {n} из {total}", "Question {n} of {total}"),
    ("item.options", "Жауапты таңдаңыз", "Выберите ответ", "Choose one answer"),
    ("item.answer", "Жауап", "Ответ", "Answer"),
    ("item.latin", "Жауапты кирилл әрпімен де, латын әліпбиімен де жазуға болады.", "Ответ можно писать кириллицей или латиницей.", "You may type the answer in Cyrillic or in Latin spelling."),
    ("item.image", "Тапсырманың суреті", "Рисунок к заданию", "Picture for this question"),
    ("keyboard.label", "Қазақ әріптері", "Казахские буквы", "Kazakh letters"),
    ("keyboard.capitals", "Бас әріптер", "Заглавные", "Capitals"),
    ("button.previous", "Алдыңғы", "Назад", "Previous"),
    ("button.next", "Келесі", "Далее", "Next"),
    ("button.flag", "Қайта қарауға белгілеу", "Отметить для проверки", "Flag for review"),
    ("nav.label", "Бөлімнің сұрақтары", "Вопросы раздела", "Questions in this section"),
    ("nav.question", "{n}-сұрақ", "Вопрос {n}", "Question {n}"),
    ("nav.answered", "жауап берілді", "есть ответ", "answered"),
    ("nav.unanswered", "жауап жоқ", "нет ответа", "unanswered"),
    ("nav.flagged", "белгіленді", "отмечен", "flagged"),
    ("nav.current", "қазіргі", "текущий", "current"),
    ("button.review", "Жауаптарды қарау", "Просмотреть ответы", "Review answers"),
    ("review.heading", "Бөлімді тапсыру алдында", "Перед сдачей раздела", "Before you submit this section"),
    ("review.unanswered", "Жауап берілмеген сұрақтар", "Вопросы без ответа", "Unanswered questions"),
    ("review.flagged", "Қайта қарауға белгіленген сұрақтар", "Отмеченные для проверки вопросы", "Questions flagged for review"),
    ("review.none", "Жоқ", "Нет", "None"),
    ("review.pending", "Кейбір жауаптар әлі жіберілмеді. Байланыс қалпына келгенше күтіңіз.", "Некоторые ответы ещё не отправлены. Дождитесь, пока восстановится связь.", "Some answers have not been sent yet. Wait until the connection returns."),
    ("review.warning", "Бөлімді тапсырғаннан кейін оған қайта орала алмайсыз.", "После сдачи раздела вернуться к нему нельзя.", "Once you submit this section you cannot return to it."),
    ("review.last", "Бұл — соңғы бөлім: «Аяқтау» тестті аяқтайды.", "Это последний раздел: «Завершить» завершает тест.", "This is the last section: Finish ends the test."),
    ("button.back", "Сұрақтарға оралу", "Вернуться к вопросам", "Back to the questions"),
    ("button.submit_section", "Бөлімді тапсыру", "Сдать раздел", "Submit section"),
    ("button.finish", "Аяқтау", "Завершить", "Finish"),
    ("adaptive.note", "Бұл бөлімде әр сұрақ алдыңғы жауаптарыңызға қарай таңдалады: «Келесі» басылғаннан кейін жауап өзгермейді, артқа қайтуға болмайды.", "В этом разделе каждый вопрос подбирается по вашим ответам: после «Далее» ответ изменить нельзя, вернуться назад нельзя.", "In this section each question is chosen from your earlier answers: once you press Next the answer is final, and there is no way back."),
    ("adaptive.done", "Бұл бөлімнің сұрақтары бітті.", "Вопросы этого раздела закончились.", "This section has no more questions."),
    ("player.play", "Ойнату", "Воспроизвести", "Play"),
    ("player.plays_left", "Қалған тыңдау саны: {n}", "Осталось прослушиваний: {n}", "Plays left: {n}"),
    ("player.loading", "Аудио жүктелуде…", "Аудио загружается…", "Loading the recording…"),
    ("player.playing", "Ойнатылуда…", "Воспроизведение…", "Playing…"),
    ("player.progress", "Аудионың барысы", "Ход воспроизведения", "Playback progress"),
    ("section.listening", "Тыңдалым", "Аудирование", "Listening"),
    ("section.reading", "Оқылым", "Чтение", "Reading"),
    ("section.lexico-grammar", "Лексика және грамматика", "Лексика и грамматика", "Vocabulary and grammar"),

    // The session's states.
    ("state.wait", "Күте тұрыңыз", "Подождите", "Please wait"),
    ("state.awaiting_authorization", "Бақылаушы тестті бастауға рұқсат бергенін күтіңіз. Уақыт әлі басталған жоқ.", "Дождитесь, пока наблюдатель разрешит начать. Время ещё не идёт.", "Please wait for the proctor to let you begin. Your time has not started."),
    ("state.paused", "Бақылаушы тестті уақытша тоқтатты. Уақыт тоқтап тұр, күте тұрыңыз.", "Наблюдатель приостановил тест. Время остановлено, подождите.", "The proctor has paused your test. Your time is stopped; please wait."),
    ("state.terminated", "Бақылаушы тестті тоқтатты. Бақылаушыға жүгініңіз.", "Наблюдатель прекратил тест. Обратитесь к наблюдателю.", "The proctor has ended your test. Please speak to the proctor."),

    // The result and the certificate.
    ("result.heading", "Нәтиже", "Результат", "Your result"),
    ("result.finished", "Тест аяқталды.", "Тест завершён.", "The test is finished."),
    ("result.under_review", "Нәтижеңіз тексерілуде. Ол дайын болғанда хабарланады.", "Ваш результат проверяется. Вам сообщат, когда он будет готов.", "Your result is under review. You will be told when it is ready."),
    ("result.voided", "Тексеру нәтижесінде бұл нәтиже жойылды.", "По итогам проверки этот результат аннулирован.", "On review, this result has been voided."),
    ("result.preparing", "Нәтиже әзірленуде…", "Результат готовится…", "Your result is being prepared…"),
    ("result.section", "Бөлім", "Раздел", "Section"),
    ("result.score", "Ұпай", "Баллы", "Score"),
    ("result.percent", "Пайыз", "Процент", "Percent"),
    ("result.section_result", "Бөлім нәтижесі", "Итог раздела", "Section result"),
    ("result.passed", "Өтті", "Пройден", "Passed"),
    ("result.not_passed", "Өтпеді", "Не пройден", "Not passed"),
    ("result.level", "Деңгей", "Уровень", "Level"),
    ("result.decision", "Шешім", "Решение", "Decision"),
    ("result.open_certificate", "Сертификатты ашу", "Открыть сертификат", "Open the certificate"),
    ("result.not_certified", "Бұл — диагностикалық тест, сертификат берілмейді.", "Это диагностический тест, сертификат не выдаётся.", "This is a placement test: no certificate is issued."),
    ("level.below_A1", "A1-ден төмен", "Ниже A1", "Below A1"),
    ("decision.pass", "Тапсырды", "Сдан", "Pass"),
    ("decision.fail", "Тапсырмады", "Не сдан", "Fail"),
    ("cert.title", "Қазақ тілін білу сертификаты", "Сертификат о знании казахского языка", "Certificate of Kazakh language proficiency"),
    ("cert.holder", "Иесі", "Владелец", "Holder"),
    ("cert.document", "Құжат нөмірі", "Номер документа", "Document number"),
    ("cert.test", "Тест", "Тест", "Test"),
    ("cert.number", "Сертификат нөмірі", "Номер сертификата", "Certificate number"),
    ("cert.issued", "Берілген күні", "Дата выдачи", "Issued"),
    ("cert.valid_until", "Жарамдылық мерзімі", "Действителен до", "Valid until"),
    ("cert.check", "Тексеру үшін QR кодты сканерлеңіз немесе мына мекенжайды ашыңыз:", "Для проверки отсканируйте QR-код или откройте адрес:", "To check it, scan the QR code or open:"),
    ("cert.qr", "Сертификатты тексеру мекенжайының QR коды", "QR-код адреса проверки сертификата", "QR code of the certificate's check address"),
    ("cert.sign_in", "Сертификатты көру үшін алдымен тест бетінде кіріңіз.", "Чтобы увидеть сертификат, сначала войдите на странице теста.", "To see your certificate, first sign in on the test page."),
    ("cert.back", "Нәтижеге оралу", "Назад к результату", "Back to the result"),
    ("button.print", "Басып шығару", "Печать", "Print"),

    // Checking a certificate.
    ("verify.title", "Сертификатты тексеру", "Проверка сертификата", "Certificate check"),
    ("verify.status", "Мәртебесі", "Статус", "Status"),
    ("verify.status.valid", "Жарамды", "Действителен", "Valid"),
    ("verify.status.revoked", "Кері қайтарылған", "Отозван", "Revoked"),
    ("verify.status.expired", "Мерзімі өткен", "Срок действия истёк", "Expired"),
    ("verify.text.valid", "Бұл сертификатты Synaq берген және ол жарамды.", "Этот сертификат выдан Synaq и действителен.", "This certificate was issued by Synaq and is valid."),
    ("verify.text.revoked", "Бұл сертификат кері қайтарылған және жарамсыз.", "Этот сертификат отозван и недействителен.", "This certificate has been revoked and is not valid."),
    ("verify.text.expired", "Бұл сертификаттың жарамдылық мерзімі өткен.", "Срок действия этого сертификата истёк.", "This certificate has expired."),
    ("verify.compare", "Бұл мәліметтерді басылған сертификатпен және иесінің құжатымен салыстырыңыз.", "Сверьте эти данные с напечатанным сертификатом и документом владельца.", "Compare these details with the printed certificate and the holder's document."),
    ("verify.not_found", "Сертификат табылмады", "Сертификат не найден", "Certificate not found"),
    ("verify.not_found_text", "Мұндай нөмірлі сертификат жоқ. Нөмірді немесе QR кодты тексеріңіз.", "Сертификата с таким номером нет. Проверьте номер или QR-код.", "There is no certificate with this number. Check the number or the QR code."),
    ("field.certificate_id", "Сертификат нөмірі", "Номер сертификата", "Certificate number"),
    ("button.check", "Тексеру", "Проверить", "Check"),
    ("page.not_found", "Бет табылмады", "Страница не найдена", "Page not found"),

    // What the page itself says about a problem (each API code's own text comes from `ErrorCode`).
    ("sitting.opens_at", "Тест қазір ашық емес: ол {time} ашылады.", "Тест сейчас не открыт: он откроется {time}.", "The sitting is not open yet: it opens at {time}."),
    ("sitting.closed_at", "Тест қазір ашық емес: ол {time} жабылды.", "Тест сейчас не открыт: он закрылся {time}.", "The sitting is not open any more: it closed at {time}."),
    ("error.registration_id", "Бұл тіркеу нөмірі емес: ол 32 әріп пен цифрдан тұрады.", "Это не номер регистрации: он состоит из 32 букв и цифр.", "That is not a registration ID: it has 32 letters and digits."),
    ("error.network", "Сервермен байланыс жоқ. Байланысты тексеріп, қайталаңыз.", "Нет связи с сервером. Проверьте подключение и повторите.", "The server cannot be reached. Check the connection and try again."),
    ("error.unknown", "Қате: {detail}", "Ошибка: {detail}", "Error: {detail}"),
];

static BY_LANG: LazyLock<[HashMap<&'static str, &'static str>; 3]> = LazyLock::new(|| {
    let column = |pick: fn(&Row) -> &'static str| rows().map(|r| (r.0, pick(r))).collect();
    [column(|r| r.1), column(|r| r.2), column(|r| r.3)]
});

fn column(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    &BY_LANG[match lang {
        Lang::Kk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    }]
}

/// The text for `key`. A key missing from the table is a bug; it shows as `⟦key⟧` so that a page test
/// finds it.
pub fn get(lang: Lang, key: &str) -> String {
    match column(lang).get(key) {
        Some(text) => (*text).to_owned(),
        None => format!("⟦{key}⟧"),
    }
}

/// The whole column of one language with every error code's message, as the JSON object the
/// candidate's page script reads.
pub fn json(lang: Lang) -> serde_json::Value {
    let mut texts: serde_json::Map<String, serde_json::Value> = column(lang)
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).into()))
        .collect();
    for code in ErrorCode::ALL {
        texts.insert(
            format!("error.{}", code.as_str()),
            code.message(lang).into(),
        );
    }
    texts.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_every_text_is_written() {
        let mut seen = std::collections::HashSet::new();
        for (key, kk, ru, en) in rows() {
            assert!(seen.insert(key), "{key} appears twice");
            for text in [kk, ru, en] {
                assert!(!text.trim().is_empty(), "{key} has an empty text");
            }
            let placeholders = |t: &str| {
                let mut names: Vec<String> = t
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                    .collect();
                names.sort();
                names
            };
            assert_eq!(
                placeholders(kk),
                placeholders(en),
                "{key}: kk and en fill in different values"
            );
            assert_eq!(
                placeholders(ru),
                placeholders(en),
                "{key}: ru and en fill in different values"
            );
        }
    }

    #[test]
    fn a_missing_key_is_visible() {
        assert_eq!(get(Lang::En, "no.such.key"), "⟦no.such.key⟧");
        assert_eq!(get(Lang::Ru, "button.next"), "Далее");
    }

    #[test]
    fn the_script_gets_one_language() {
        let en = json(Lang::En);
        assert_eq!(en["button.flag"], "Flag for review");
        assert_eq!(
            en["error.deadline_passed"],
            ErrorCode::DeadlinePassed.message(Lang::En)
        );
        assert_eq!(
            en.as_object().unwrap().len(),
            rows().count() + ErrorCode::ALL.len()
        );
    }
}
