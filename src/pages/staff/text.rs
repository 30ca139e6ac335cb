//! The staff pages' words, in Kazakh, Russian and English: one of the tables `pages::text` reads (and
//! checks, with the others, for a text in every language and unique keys).

use crate::pages::text::Row;

#[rustfmt::skip]
pub const TEXTS: &[Row] = &[
    // The shell: signing in, the staff bar, the renewal dialog, messages.
    ("staff.signin.title", "Қызметкерлердің кіруі", "Вход для сотрудников", "Staff sign-in"),
    ("staff.signin.heading", "Қызметкерлердің кіруі", "Вход для сотрудников", "Staff sign-in"),
    ("staff.signin.intro", "Әкімші берген пайдаланушы аты мен құпиясөзді енгізіңіз.", "Введите имя пользователя и пароль, выданные администратором.", "Enter the username and password your administrator gave you."),
    ("field.username", "Пайдаланушы аты", "Имя пользователя", "Username"),
    ("field.password", "Құпиясөз", "Пароль", "Password"),
    ("staff.home.heading", "Қызметкер беттері", "Страницы сотрудников", "Staff pages"),
    ("staff.home.operator", "Тест орталығы", "Тестовый центр", "Test centre"),
    ("staff.home.operator_text", "Тестіленушілер, тестілеу сеанстары, тіркеу және кіру коды бар парақтар, нәтижелер.", "Кандидаты, сеансы тестирования, регистрация и листки с кодами доступа, результаты.", "Candidates, sittings, registrations with their access-code slips, and results."),
    ("staff.home.proctor", "Бақылау", "Наблюдение", "Proctoring"),
    ("staff.home.proctor_text", "Сеанстағы тестіленушілер тізімі, бақылаушы әрекеттері, оқиғалар тізбегі, тексерілетін нәтижелер.", "Список кандидатов сеанса в реальном времени, действия наблюдателя, хронология, очередь проверки.", "A sitting's live roster, proctor actions, a session's timeline, and the review queue."),
    ("staff.home.author", "Тапсырмалар банкі", "Банк заданий", "Item bank"),
    ("staff.home.author_text", "Тапсырмалар, тест құрылымдары және калибрлеу.", "Задания, структуры тестов и калибровка.", "Items, blueprints and calibration runs."),
    ("staff.author.intro", "Әзірше тапсырмалар банкімен API арқылы жұмыс істеледі; оның сипаттамасында барлық сұраныстар бар.", "Пока с банком заданий работают через API; в его описании перечислены все запросы.", "For now the item bank is worked with through the API; its description lists every route."),
    ("staff.nav", "Қызметкер мәзірі", "Меню сотрудника", "Staff menu"),
    ("staff.nav.home", "Қызметкер беттері", "Страницы сотрудников", "Staff pages"),
    ("staff.nav.candidates", "Тестіленушілер", "Кандидаты", "Candidates"),
    ("staff.nav.sittings", "Тестілеу сеанстары", "Сеансы тестирования", "Sittings"),
    ("staff.nav.supervision", "Тестілеу сеанстары", "Сеансы тестирования", "Sittings"),
    ("staff.nav.reviews", "Тексерілетін нәтижелер", "Очередь проверки", "Review queue"),
    ("staff.nav.items", "Тапсырмалар банкі", "Банк заданий", "Item bank"),
    ("staff.who", "{user} ({role}) ретінде кірдіңіз", "Вы вошли как {user} ({role})", "Signed in as {user} ({role})"),
    ("staff.sign_out", "Шығу", "Выйти", "Sign out"),
    ("role.admin", "әкімші", "администратор", "administrator"),
    ("role.operator", "оператор", "оператор", "operator"),
    ("role.proctor", "бақылаушы", "наблюдатель", "proctor"),
    ("role.author", "автор", "автор", "author"),
    ("staff.renew.heading", "Қайта кіріңіз", "Войдите снова", "Sign in again"),
    ("staff.renew.text", "Кіру мерзімі бітті. Жалғастыру үшін құпиясөзді енгізіңіз: осы бетте терілгеннің бәрі сақталады.", "Срок входа истёк. Чтобы продолжить, введите пароль: всё, что вы ввели на этой странице, сохранится.", "Your sign-in has expired. Enter your password to go on: everything you typed on this page is kept."),
    ("staff.renew.elsewhere", "Кіру бетіне өту", "Перейти на страницу входа", "Go to the sign-in page"),
    ("staff.signed_out", "Сіз кірмегенсіз немесе кіру мерзімі бітті. Бұл бетті көру үшін кіріңіз.", "Вы не вошли или срок входа истёк. Войдите, чтобы увидеть эту страницу.", "You are not signed in, or your sign-in has expired. Sign in to see this page."),
    ("staff.forbidden", "Сіздің рөліңізге бұл рұқсат етілмеген. Рұқсаты бар пайдаланушы ретінде кіріңіз.", "Вашей роли это не разрешено. Войдите как пользователь, которому это разрешено.", "Your role may not do this. Sign in as someone who may."),
    ("staff.switch_user", "Басқа пайдаланушы ретінде кіру", "Войти под другим именем", "Sign in as someone else"),
    ("staff.loading", "Жүктелуде…", "Загрузка…", "Loading…"),
    ("staff.saved", "Сақталды", "Сохранено", "Saved"),
    ("button.cancel", "Болдырмау", "Отмена", "Cancel"),
    ("button.confirm", "Растау", "Подтвердить", "Confirm"),
    ("button.save", "Сақтау", "Сохранить", "Save"),
    ("button.search", "Іздеу", "Найти", "Search"),
];
