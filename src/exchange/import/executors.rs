//! Splitting a cell of executors (ответственные исполнители) into one entry per executor. Plan
//! tables put several in one cell with nothing but spaces between them: «Запара О.С. Стукова О.В.
//! Общественный совет», «Комитет по здравоохранению Ленинградской области Медицинские
//! организации Ленинградской области». A person ends at their initials; an organization starts
//! at a word that begins the name of a body (Комитет, Управление, Медицинские организации…).

/// Words that begin the name of a body when written with a capital letter.
const STARTERS: &[&str] = &[
    "Комитет",
    "Министерство",
    "Минздрав",
    "Минтруд",
    "Департамент",
    "Управление",
    "Отдел",
    "Сектор",
    "Служба",
    "Пресс-служба",
    "Администрация",
    "Администрации",
    "Правительство",
    "Аппарат",
    "Общественный",
    "Общественные",
    "Медицинские",
    "Медицинская",
    "Организации",
    "Организация",
    "Учреждения",
    "Учреждение",
    "Образовательные",
    "Подведомственные",
    "Государственные",
    "Муниципальные",
    "Органы",
    "Орган",
    "Оператор",
    "Организация-оператор",
    "Руководители",
    "Руководитель",
    "Директор",
    "Главный",
    "Главные",
    "Центр",
    "Совет",
    "ГБУ",
    "ГАУ",
    "ГКУ",
    "ГБУЗ",
    "ГАУЗ",
    "ГБОУ",
    "ГБПОУ",
    "МБУ",
    "МАУ",
    "МКУ",
    "МБОУ",
    "МАДОУ",
    "МБДОУ",
    "ОГБУ",
    "ОГКУ",
    "ЛОГБУ",
    "ЛОГАУ",
    "СПб",
];

/// Words after which a capitalised word continues the same name («Губернатора и Правительства»).
const JOINERS: &[&str] = &[
    "и", "при", "по", "с", "со", "в", "во", "на", "для", "к", "от", "из", "за", "(",
];

/// Whether a token is initials: «О.С.», «О.», «А.Н.,».
fn is_initials(token: &str) -> bool {
    let t = token.trim_end_matches([',', ';']);
    let mut chars = t.chars().peekable();
    let mut groups = 0;
    while let Some(c) = chars.next() {
        if !(c.is_uppercase() && c.is_alphabetic()) || chars.next() != Some('.') {
            return false;
        }
        groups += 1;
    }
    (1..=3).contains(&groups)
}

fn capitalised(token: &str) -> bool {
    token
        .trim_start_matches(['«', '"', '('])
        .chars()
        .next()
        .is_some_and(char::is_uppercase)
}

fn is_starter(token: &str) -> bool {
    let t = token
        .trim_start_matches(['«', '"'])
        .trim_end_matches([',', ';']);
    STARTERS.contains(&t)
}

/// One entry per executor, in the order written.
pub fn split(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in cell.split([';', '\n']) {
        split_part(part, &mut out);
    }
    out
}

fn split_part(part: &str, out: &mut Vec<String>) {
    let tokens: Vec<&str> = part.split_whitespace().collect();
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, out: &mut Vec<String>| {
        if !current.is_empty() {
            let text = current.join(" ");
            let text = text.trim_end_matches([',', ';', ' ']).trim();
            if !text.is_empty() {
                out.push(text.to_string());
            }
            current.clear();
        }
    };
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let next = tokens.get(i + 1).copied();
        let prev = current.last().copied();
        let after_joiner = prev.is_some_and(|p| JOINERS.contains(&p.to_lowercase().as_str()));
        let prev_comma = prev.is_some_and(|p| p.ends_with(','));
        // «Л.Н. Нецадим»: initials first, then the surname.
        if current.is_empty()
            && is_initials(t)
            && next.is_some_and(|n| capitalised(n) && !is_initials(n))
        {
            current.push(t);
            current.push(tokens[i + 1]);
            flush(&mut current, out);
            i += 2;
            continue;
        }
        if is_initials(t) && !current.is_empty() {
            current.push(t);
            // «О. С.» written with a space: take the second initial too.
            if next.is_some_and(is_initials) && t.trim_end_matches(',').len() <= 3 {
                current.push(tokens[i + 1]);
                i += 1;
            }
            flush(&mut current, out);
            i += 1;
            continue;
        }
        let starts_person = capitalised(t) && next.is_some_and(is_initials);
        let starts_body = is_starter(t) && !after_joiner;
        if !current.is_empty() && (starts_person || starts_body || (prev_comma && capitalised(t))) {
            flush(&mut current, out);
        }
        current.push(t);
        i += 1;
    }
    flush(&mut current, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_end_at_their_initials() {
        assert_eq!(
            split("Запара О.С. Стукова О.В. Кичапова М.В. Общественный совет"),
            vec![
                "Запара О.С.",
                "Стукова О.В.",
                "Кичапова М.В.",
                "Общественный совет"
            ]
        );
        assert_eq!(split("Петров О.Ю."), vec!["Петров О.Ю."]);
        assert_eq!(
            split("Иванова А. П., Сидоров В.В."),
            vec!["Иванова А. П.", "Сидоров В.В."]
        );
    }

    #[test]
    fn bodies_start_at_their_first_word() {
        assert_eq!(
            split(
                "Комитет по здравоохранению Ленинградской области Управление прес-службы \
                 Губернатора и Правительства Ленинградской области Медицинские организации \
                 Ленинградской области"
            ),
            vec![
                "Комитет по здравоохранению Ленинградской области",
                "Управление прес-службы Губернатора и Правительства Ленинградской области",
                "Медицинские организации Ленинградской области",
            ]
        );
        assert_eq!(
            split("Общественный совет Комитет по здравоохранению Ленинградской области"),
            vec![
                "Общественный совет",
                "Комитет по здравоохранению Ленинградской области"
            ]
        );
        assert_eq!(
            split("Общественный совет при Комитете; отдел кадров"),
            vec!["Общественный совет при Комитете", "отдел кадров"]
        );
    }
}
