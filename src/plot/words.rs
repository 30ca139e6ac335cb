//! The words the pictures carry, in the reader's language. `{name}` marks a value filled in.

use crate::lang::Lang;

/// The pictures' words in one language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    pub theta: &'static str,
    pub probability: &'static str,
    pub information: &'static str,
    pub icc: &'static str,
    pub item_description: &'static str,
    pub expected_percent: &'static str,
    pub tcc_title: &'static str,
    pub target: &'static str,
    pub forms: &'static str,
    pub sem: &'static str,
    pub cut: &'static str,
    pub exposure_title: &'static str,
    pub share_of_forms: &'static str,
    pub items: &'static str,
    pub exposure_note: &'static str,
    pub simulation_description: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub difficulty_title: &'static str,
    pub discrimination_title: &'static str,
    pub unchanged: &'static str,
    pub calibration_description: &'static str,
}

impl Words {
    /// The words of `lang`.
    pub fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::Kk => &KK,
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// `text` with `{name}` replaced by `value`, for each pair.
pub fn fill(text: &str, values: &[(&str, String)]) -> String {
    values.iter().fold(text.to_owned(), |t, (name, value)| {
        t.replace(&format!("{{{name}}}"), value)
    })
}

const KK: Words = Words {
    theta: "θ (қабілет)",
    probability: "дұрыс жауап ықтималдығы",
    information: "ақпарат",
    icc: "{item}: сипаттамалық қисық пен ақпарат",
    item_description: "{item} тапсырмасының сипаттамалық қисығы (дұрыс жауап ықтималдығы) мен ақпараты θ бойынша",
    expected_percent: "күтілетін дұрыс жауап, %",
    tcc_title: "{section}: {n} нұсқаның сипаттамалық қисығы",
    target: "мақсат",
    forms: "нұсқалар",
    sem: "өлшеу қателігі (оң жақ шкала)",
    cut: "шек {percent} %: θ={theta}, ең үлкен ауытқу ±{worst}",
    exposure_title: "{n} тапсырманың қолданылуы, шегі {cap} %",
    share_of_forms: "нұсқалардағы үлесі",
    items: "тапсырмалар",
    exposure_note: "ең көбі {max} %, орташа қайталану {overlap} %",
    simulation_description: "{blueprint} құрылымы бойынша {n} нұсқаның модельдеуі: әр бөлімнің нұсқа қисықтары мақсатқа қарсы және тапсырмалардың қолданылуы",
    before: "бұрын",
    after: "кейін",
    difficulty_title: "Қиындық (b): бұрын және кейін",
    discrimination_title: "Айырымдылық (a): бұрын және кейін",
    unchanged: "өзгеріссіз",
    calibration_description: "Калибрлеу: {n} тапсырманың параметрлері бұрын (көлденең) және кейін (тік)",
};

const RU: Words = Words {
    theta: "θ (способность)",
    probability: "вероятность верного ответа",
    information: "информация",
    icc: "{item}: характеристическая кривая и информация",
    item_description: "Характеристическая кривая задания {item} (вероятность верного ответа) и его информация по θ",
    expected_percent: "ожидаемый % верных",
    tcc_title: "{section}: кривые {n} вариантов",
    target: "цель",
    forms: "варианты",
    sem: "ошибка измерения (правая шкала)",
    cut: "порог {percent} %: θ={theta}, наибольшее отклонение ±{worst}",
    exposure_title: "использование {n} заданий, предел {cap} %",
    share_of_forms: "доля вариантов",
    items: "задания",
    exposure_note: "наибольшее {max} %, среднее пересечение {overlap} %",
    simulation_description: "Моделирование {n} вариантов по структуре {blueprint}: кривые вариантов каждого раздела против цели и использование заданий",
    before: "до",
    after: "после",
    difficulty_title: "Трудность (b): до и после",
    discrimination_title: "Дискриминативность (a): до и после",
    unchanged: "без изменений",
    calibration_description: "Калибровка: параметры {n} заданий до (по горизонтали) и после (по вертикали)",
};

const EN: Words = Words {
    theta: "θ (ability)",
    probability: "probability of a right answer",
    information: "information",
    icc: "{item}: characteristic curve and information",
    item_description: "The characteristic curve of item {item} (the probability of a right answer) and its information over θ",
    expected_percent: "expected % correct",
    tcc_title: "{section}: TCC of {n} forms vs target",
    target: "target",
    forms: "forms",
    sem: "SEM (right-hand scale)",
    cut: "cut {percent} %: θ={theta}, worst ±{worst}",
    exposure_title: "exposure of {n} items, cap {cap} %",
    share_of_forms: "share of forms",
    items: "items",
    exposure_note: "max {max} %, mean overlap {overlap} %",
    simulation_description: "A simulation of {n} forms of blueprint {blueprint}: each section's form curves against the target, and item exposure",
    before: "before",
    after: "after",
    difficulty_title: "Difficulty (b): before and after",
    discrimination_title: "Discrimination (a): before and after",
    unchanged: "unchanged",
    calibration_description: "Calibration: the parameters of {n} items before (across) and after (up)",
};
