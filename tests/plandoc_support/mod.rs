//! Clean plan documents of our own, in the three shapes of `../shared/seeds` (information
//! campaign plans, assessment plan-schedules, plans with target indicators), and a generator that
//! renders them as text the way real regional documents come out of PDF and scans: tabs or
//! columns of spaces, headers garbled by OCR, cut, split over lines or missing, rows wrapped over
//! many lines, sections cut short or glued to the first item, page-break junk, repeated headers.
//! Every distortion is driven by a fixed seed, so a failure can be reproduced.
#![allow(dead_code)]

/// A measure of a clean plan: what a reader must get back.
#[derive(Debug, Clone)]
pub struct Item {
    pub number: String,
    pub measure: String,
    pub deadline: String,
    pub executors: Vec<String>,
    /// Cells of the extra columns, in the plan's order of extra columns.
    pub extra: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub number: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// A clean plan document.
#[derive(Debug, Clone)]
pub struct Plan {
    pub name: &'static str,
    pub preamble: Vec<String>,
    /// Target indicators: (header cells, rows of cells), before the plan table.
    pub targets: Option<(Vec<String>, Vec<Vec<String>>)>,
    /// Headers of the plan table's columns: №, measure, [result], deadline, executors, extras.
    pub headers: Vec<String>,
    /// Whether the first extra column stands between measure and deadline (a result or a
    /// basis column); the other extras follow the executors.
    pub result_column: bool,
    pub sections: Vec<Section>,
}

impl Plan {
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// The cells of an item's row, left to right.
    fn row(&self, it: &Item) -> Vec<String> {
        let mut cells = vec![format!("{}.", it.number), it.measure.clone()];
        let extra = it.extra.clone();
        let mut extra = extra.into_iter();
        if self.result_column {
            cells.push(extra.next().unwrap_or_default());
        }
        cells.push(it.deadline.clone());
        cells.push(it.executors.join(" "));
        cells.extend(extra);
        while cells.len() < self.headers.len() {
            cells.push(String::new());
        }
        cells
    }
}

fn item(number: &str, measure: &str, deadline: &str, executors: &[&str], extra: &[&str]) -> Item {
    Item {
        number: number.to_string(),
        measure: measure.to_string(),
        deadline: deadline.to_string(),
        executors: executors.iter().map(|e| e.to_string()).collect(),
        extra: extra.iter().map(|e| e.to_string()).collect(),
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Six clean plans, two of each shape.
pub fn plans() -> Vec<Plan> {
    vec![
        Plan {
            name: "информационный план (культура)",
            preamble: strings(&[
                "УТВЕРЖДЕН",
                "приказом министерства культуры Тверской области",
                "от 14.02.2025 № 87",
                "",
                "План информационно-разъяснительной работы о независимой оценке качества условий оказания услуг организациями культуры Тверской области на 2025 год",
            ]),
            targets: None,
            headers: strings(&[
                "№ п/п",
                "Мероприятие",
                "Срок исполнения",
                "Ответственный исполнитель",
            ]),
            result_column: false,
            sections: vec![
                Section {
                    number: "I".into(),
                    title: "Информирование получателей услуг".into(),
                    items: vec![
                        item(
                            "1",
                            "Размещение на официальных сайтах организаций культуры баннера для перехода к анкете оценки качества",
                            "Постоянно",
                            &["Организации культуры Тверской области"],
                            &[],
                        ),
                        item(
                            "2",
                            "Размещение в помещениях музеев, библиотек и театров информационных плакатов с QR-кодом анкеты",
                            "до 1 марта 2025 г.",
                            &["Руководители организаций культуры"],
                            &[],
                        ),
                        item(
                            "3",
                            "Публикация материалов о независимой оценке качества в районных газетах и сетевых изданиях",
                            "не реже 2-х раз в год",
                            &["Отдел информационной политики", "Смирнова Е.А."],
                            &[],
                        ),
                        item(
                            "4",
                            "Проведение разъяснительных встреч с посетителями учреждений культуры",
                            "ежеквартально",
                            &["Директора учреждений культуры", "Кузнецов П.Р."],
                            &[],
                        ),
                    ],
                },
                Section {
                    number: "II".into(),
                    title: "Работа общественного совета".into(),
                    items: vec![
                        item(
                            "5",
                            "Размещение протоколов заседаний Общественного совета на сайте министерства",
                            "в течение 5 рабочих дней после заседания",
                            &["Общественный совет", "Волкова Н.И."],
                            &[],
                        ),
                        item(
                            "6",
                            "Подготовка сводной информации о выполнении планов по устранению недостатков",
                            "ежеквартально, до 5 числа месяца, следующего за отчетным",
                            &["Отдел культурной политики", "Белов С.С."],
                            &[],
                        ),
                        item(
                            "7",
                            "Размещение результатов независимой оценки и рейтинга организаций культуры",
                            "IV квартал 2025 г.",
                            &[
                                "Общественный совет",
                                "Министерство культуры Тверской области",
                            ],
                            &[],
                        ),
                        item(
                            "8",
                            "Представление отчета об итогах информационной кампании",
                            "до 15 января года, следующего за отчетным",
                            &["Смирнова Е.А."],
                            &[],
                        ),
                    ],
                },
            ],
        },
        Plan {
            name: "информационный план (образование)",
            preamble: strings(&[
                "Приложение № 2",
                "к распоряжению департамента образования",
                "от 20.01.2026 № 31-р",
                "",
                "План информационной кампании по независимой оценке качества условий осуществления образовательной деятельности в 2026 году",
            ]),
            targets: None,
            headers: strings(&["№", "Содержание мероприятия", "Сроки", "Исполнители"]),
            result_column: false,
            sections: vec![Section {
                number: String::new(),
                title: String::new(),
                items: vec![
                    item(
                        "1",
                        "Информирование родителей обучающихся о порядке участия в анкетировании",
                        "февраль – март 2026 года",
                        &["Муниципальные органы управления образованием"],
                        &[],
                    ),
                    item(
                        "1.1",
                        "Рассылка информационных писем в общеобразовательные организации",
                        "до 10.02.2026",
                        &["Орлова Т.Г.", "Департамент образования"],
                        &[],
                    ),
                    item(
                        "1.2",
                        "Проведение родительских собраний с разъяснением целей оценки",
                        "I квартал 2026 г.",
                        &["Руководители образовательных организаций"],
                        &[],
                    ),
                    item(
                        "2",
                        "Мониторинг числа заполненных анкет на официальном сайте",
                        "ежемесячно до 10 числа",
                        &["Оператор", "Зайцев Д.М."],
                        &[],
                    ),
                    item(
                        "3",
                        "Консультирование организаций по заполнению сведений на сайте bus.gov.ru",
                        "по мере необходимости",
                        &["Отдел мониторинга", "Зайцев Д.М."],
                        &[],
                    ),
                    item(
                        "4",
                        "Подведение итогов информационной кампании на заседании коллегии",
                        "декабрь 2026",
                        &["Департамент образования"],
                        &[],
                    ),
                    item(
                        "4.1",
                        "Подготовка справки о результатах кампании",
                        "не позднее 20 числа месяца, следующего за отчетным кварталом",
                        &["Орлова Т.Г."],
                        &[],
                    ),
                ],
            }],
        },
        Plan {
            name: "план-график (социальная сфера)",
            preamble: strings(&[
                "Приложение",
                "к приказу комитета социальной защиты",
                "от 03.03.2025 № 112",
                "",
                "План-график проведения независимой оценки качества условий оказания услуг организациями социального обслуживания на 2025-2026 годы",
            ]),
            targets: None,
            headers: strings(&[
                "№ п/п",
                "Наименование мероприятия",
                "Форма завершения",
                "Срок реализации",
                "Ответственные исполнители",
            ]),
            result_column: true,
            sections: vec![
                Section {
                    number: "1".into(),
                    title: "Подготовка к проведению независимой оценки".into(),
                    items: vec![
                        item(
                            "1.1",
                            "Формирование перечня организаций социального обслуживания, в отношении которых проводится оценка",
                            "до 1 апреля 2025 года",
                            &["Общественный совет", "Григорьева Л.П."],
                            &["Протокол заседания"],
                        ),
                        item(
                            "1.2",
                            "Подготовка технического задания для организации-оператора",
                            "II квартал 2025 г.",
                            &["Отдел государственных закупок", "Федоров А.В."],
                            &["Техническое задание"],
                        ),
                        item(
                            "1.3",
                            "Заключение государственного контракта с организацией-оператором",
                            "I-II квартал 2025 г.",
                            &["Отдел государственных закупок"],
                            &["Государственный контракт"],
                        ),
                    ],
                },
                Section {
                    number: "2".into(),
                    title: "Проведение оценки и использование ее результатов".into(),
                    items: vec![
                        item(
                            "2.1",
                            "Сбор и обобщение информации о качестве условий оказания услуг",
                            "III квартал 2025 г.",
                            &["Оператор"],
                            &["Аналитический отчет"],
                        ),
                        item(
                            "2.2",
                            "Рассмотрение результатов независимой оценки на заседании Общественного совета",
                            "в течение 10 рабочих дней после поступления информации о результатах независимой оценки от оператора",
                            &["Общественный совет"],
                            &["Решение общественного совета"],
                        ),
                        item(
                            "2.3",
                            "Разработка и утверждение планов по устранению недостатков",
                            "в месячный срок после поступления предложений",
                            &["Руководители организаций социального обслуживания"],
                            &["Планы мероприятий"],
                        ),
                        item(
                            "2.4",
                            "Размещение информации о результатах оценки на сайте bus.gov.ru",
                            "до 31.12.2025",
                            &["Григорьева Л.П.", "Комитет социальной защиты населения"],
                            &["Информация на сайте"],
                        ),
                        item(
                            "2.5",
                            "Контроль выполнения планов по устранению недостатков",
                            "2025 - 2026 г.",
                            &["Федоров А.В."],
                            &["Справка"],
                        ),
                    ],
                },
            ],
        },
        Plan {
            name: "план-график (здравоохранение, шаблон)",
            preamble: strings(&[
                "Приложение № 3",
                "к письму министерства здравоохранения",
                "от «__» ______ 20__ г. № ____",
                "",
                "План-график мероприятий по организации независимой оценки качества в ____ году",
            ]),
            targets: None,
            headers: strings(&["№ п/п", "Мероприятие", "Результат", "Срок", "Ответственный"]),
            result_column: true,
            sections: vec![Section {
                number: String::new(),
                title: String::new(),
                items: vec![
                    item(
                        "1",
                        "Утверждение перечня медицинских организаций для проведения оценки",
                        "в течение 10 дней после утверждения плана мероприятий",
                        &["Министерство здравоохранения"],
                        &["Приказ"],
                    ),
                    item(
                        "2",
                        "Проведение анкетирования пациентов в медицинских организациях",
                        "ежеквартально",
                        &["Медицинские организации", "Оператор"],
                        &["Анкеты"],
                    ),
                    item(
                        "3",
                        "Подготовка предложений по улучшению качества работы медицинских организаций",
                        "в течение месяца со дня поступления информации о результатах",
                        &["Общественный совет"],
                        &["Предложения"],
                    ),
                    item(
                        "4",
                        "Размещение планов по устранению недостатков на официальных сайтах",
                        "в течение 5 рабочих дней после утверждения плана",
                        &["Главные врачи медицинских организаций"],
                        &["Планы на сайтах"],
                    ),
                    item(
                        "5",
                        "Представление сведений о выполнении планов",
                        "ежеквартально, до 5 числа месяца, следующего за отчетным",
                        &["Главные врачи медицинских организаций"],
                        &["Отчет"],
                    ),
                ],
            }],
        },
        Plan {
            name: "план с целевыми показателями (спорт)",
            preamble: strings(&[
                "Приложение",
                "к постановлению администрации области",
                "от 11.04.2025 № 240",
                "",
                "План мероприятий по улучшению качества условий оказания услуг организациями физической культуры и спорта на 2025-2027 годы",
                "",
                "I. Целевые показатели",
            ]),
            targets: Some((
                strings(&[
                    "№",
                    "Целевые показатели",
                    "2024г. (отчет)",
                    "2025г.",
                    "2026г.",
                    "2027г.",
                ]),
                vec![
                    strings(&[
                        "1",
                        "Доля организаций, в отношении которых проведена независимая оценка, в %",
                        "40",
                        "60",
                        "80",
                        "100",
                    ]),
                    strings(&[
                        "2",
                        "Количество заседаний общественного совета",
                        "2",
                        "3",
                        "3",
                        "4",
                    ]),
                ],
            )),
            headers: strings(&[
                "№ п/п",
                "Наименование мероприятия",
                "Срок исполнения",
                "Ответственные исполнители",
                "Ожидаемый результат",
                "Показатели",
                "Примечание",
            ]),
            result_column: false,
            sections: vec![Section {
                number: "II".into(),
                title: "План мероприятий".into(),
                items: vec![
                    item(
                        "1",
                        "Оснащение спортивных объектов пандусами и поручнями для маломобильных граждан",
                        "до 1 сентября 2025 г.",
                        &["Руководители спортивных учреждений", "Павлов К.Н."],
                        &["Доступная среда", "Доля объектов, %", ""],
                    ),
                    item(
                        "2",
                        "Обновление информации о платных услугах на официальных сайтах организаций",
                        "II квартал 2025 г.",
                        &["Спортивные учреждения области"],
                        &[
                            "Полная информация",
                            "Доля сайтов, %",
                            "с учетом замечаний совета",
                        ],
                    ),
                    item(
                        "3",
                        "Организация обратной связи с получателями услуг через электронную форму",
                        "постоянно",
                        &["Отдел спортивных учреждений", "Лебедева М.С."],
                        &["Форма на сайте", "", ""],
                    ),
                    item(
                        "4",
                        "Обучение работников вопросам этики общения с посетителями",
                        "2025-2026 гг.",
                        &["Руководители спортивных учреждений"],
                        &["Обученные работники", "Число работников", "по графику"],
                    ),
                    item(
                        "5",
                        "Размещение отчета о выполнении плана на официальном сайте",
                        "ежегодно до 1 марта",
                        &["Павлов К.Н."],
                        &["Отчет на сайте", "", ""],
                    ),
                ],
            }],
        },
        Plan {
            name: "план с целевыми показателями (соцзащита)",
            preamble: strings(&[
                "Приложение № 1",
                "к распоряжению министерства социальной политики",
                "от 25.12.2025 № 905",
                "",
                "План организации проведения независимой оценки качества на период 2026-2027 годов",
                "",
                "1. Целевые показатели функционирования независимой оценки",
            ]),
            targets: Some((
                strings(&[
                    "№",
                    "Целевые показатели",
                    "2025г. (отчет)",
                    "2026г.",
                    "2027г.",
                ]),
                vec![
                    strings(&[
                        "1",
                        "Доля организаций, имеющих собственные сайты, в %",
                        "96",
                        "100",
                        "100",
                    ]),
                    strings(&[
                        "2",
                        "Доля получателей услуг, удовлетворенных качеством, в %",
                        "84",
                        "87",
                        "90",
                    ]),
                    strings(&["3", "Количество жалоб получателей услуг", "12", "-", "5"]),
                ],
            )),
            headers: strings(&[
                "№ п/п",
                "Мероприятие",
                "Основание",
                "Срок",
                "Исполнитель",
                "Примечание",
            ]),
            result_column: true,
            sections: vec![
                Section {
                    number: "2".into(),
                    title: "Мероприятия по организации оценки".into(),
                    items: vec![
                        item(
                            "1",
                            "Актуализация состава Общественного совета по проведению независимой оценки",
                            "I квартал 2026 г.",
                            &["Министерство социальной политики"],
                            &["Истечение срока полномочий", ""],
                        ),
                        item(
                            "2",
                            "Утверждение перечня организаций для проведения оценки в 2026 году",
                            "до 15.03.2026",
                            &["Общественный совет", "Соколова И.В."],
                            &["Приказ Минтруда России", "по согласованию"],
                        ),
                        item(
                            "3",
                            "Проведение независимой оценки организаций социального обслуживания",
                            "II-III квартал 2026 г.",
                            &["Оператор", "Общественный совет"],
                            &["Государственный контракт", ""],
                        ),
                    ],
                },
                Section {
                    number: "3".into(),
                    title: "Использование результатов оценки".into(),
                    items: vec![
                        item(
                            "4",
                            "Направление результатов оценки руководителям организаций",
                            "в течение 5 рабочих дней после поступления информации о результатах независимой оценки от Общественного совета",
                            &["Соколова И.В."],
                            &["Результаты оценки", ""],
                        ),
                        item(
                            "5",
                            "Контроль выполнения планов по устранению выявленных недостатков",
                            "ежемесячно до 10 числа",
                            &["Отдел социального обслуживания", "Морозов Г.А."],
                            &["Планы организаций", "ежемесячный отчет"],
                        ),
                        item(
                            "6",
                            "Подготовка доклада об итогах оценки",
                            "до 15 января года, следующего за отчетным",
                            &["Морозов Г.А."],
                            &["Поручение министра", ""],
                        ),
                    ],
                },
            ],
        },
    ]
}

/// A fixed-seed generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// How cells are parted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sep {
    Tabs,
    /// Columns of spaces at fixed positions (PDF text extracted with its layout).
    Aligned,
    /// Cells parted by runs of 2–5 spaces, no alignment (only rows without empty cells).
    Runs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Header {
    Clean,
    /// Random Latin letters in the words, words cut.
    Garbled,
    /// Each header cell over two or three physical lines.
    Split,
    /// Some header cells empty.
    Partial,
    Missing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sections {
    Clean,
    CutShort,
    /// The heading in the number cell of the section's first item.
    Glued,
}

/// One distortion of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub sep: Sep,
    pub header: Header,
    /// Wrap cells to narrow columns (rows over many lines, different line counts per column).
    pub wrap: bool,
    /// Page breaks: junk lines, page numbers, running headers, the header repeated.
    pub pages: bool,
    pub sections: Sections,
    pub seed: u64,
}

impl std::fmt::Display for Variant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?}/{:?}/{}/{}/{:?}/{}",
            self.sep,
            self.header,
            if self.wrap {
                "перенос"
            } else {
                "без переноса"
            },
            if self.pages {
                "страницы"
            } else {
                "без страниц"
            },
            self.sections,
            self.seed
        )
    }
}

/// Every combination of the distortions (runs of spaces only without wrapping, glued sections
/// only with tabs), each with its own seed.
pub fn variants(seed: u64) -> Vec<Variant> {
    let mut out = Vec::new();
    let mut rng = Rng::new(seed);
    for sep in [Sep::Tabs, Sep::Aligned, Sep::Runs] {
        for header in [
            Header::Clean,
            Header::Garbled,
            Header::Split,
            Header::Partial,
            Header::Missing,
        ] {
            for wrap in [false, true] {
                for pages in [false, true] {
                    for sections in [Sections::Clean, Sections::CutShort, Sections::Glued] {
                        if sep == Sep::Runs && (wrap || header == Header::Split) {
                            continue;
                        }
                        if sections == Sections::Glued && sep != Sep::Tabs {
                            continue;
                        }
                        out.push(Variant {
                            sep,
                            header,
                            wrap,
                            pages,
                            sections,
                            seed: rng.next(),
                        });
                    }
                }
            }
        }
    }
    out
}

const LATIN: &[char] = &['a', 'e', 'o', 'p', 'c', 'x', 'q', 'z', 'i', 'l', 'n', 'u'];

fn garble(text: &str, rng: &mut Rng) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_alphabetic() && rng.chance(25) {
                LATIN[rng.below(LATIN.len())]
            } else {
                c
            }
        })
        .collect();
    // Cut the last word short sometimes.
    if rng.chance(40) && out.chars().count() > 6 {
        let keep = out.chars().count() * 2 / 3;
        out = out.chars().take(keep).collect();
    }
    out
}

/// Words of `text` into lines of at most `width` characters (a longer word on its own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Physical lines of one table row: each line a list of cell texts.
type Lines = Vec<Vec<String>>;

fn header_lines(plan: &Plan, v: &Variant, rng: &mut Rng) -> Lines {
    let cells = plan.headers.clone();
    match v.header {
        Header::Missing => Vec::new(),
        Header::Clean => vec![cells],
        Header::Garbled => vec![cells.iter().map(|c| garble(c, rng)).collect()],
        Header::Partial => {
            let blank = 1 + rng.below(cells.len() - 1);
            vec![
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i == blank || (i > 2 && rng.chance(30)) {
                            String::new()
                        } else {
                            c.clone()
                        }
                    })
                    .collect(),
            ]
        }
        Header::Split => {
            let n = 2 + rng.below(2);
            let split: Vec<Vec<String>> = cells
                .iter()
                .map(|c| {
                    let words: Vec<&str> = c.split(' ').collect();
                    let mut parts = vec![String::new(); n];
                    let per = words.len().div_ceil(n).max(1);
                    for (k, w) in words.iter().enumerate() {
                        let p = &mut parts[(k / per).min(n - 1)];
                        if !p.is_empty() {
                            p.push(' ');
                        }
                        p.push_str(w);
                    }
                    parts
                })
                .collect();
            (0..n)
                .map(|line| split.iter().map(|p| p[line].clone()).collect())
                .filter(|l: &Vec<String>| l.iter().any(|c| !c.is_empty()))
                .collect()
        }
    }
}

/// Column widths for wrapping and aligned layout: number, then each cell.
fn widths(plan: &Plan, v: &Variant, rng: &mut Rng) -> Vec<usize> {
    (0..plan.headers.len())
        .map(|c| match c {
            0 => 8,
            1 => {
                if v.wrap {
                    28 + rng.below(16)
                } else {
                    200
                }
            }
            _ => {
                if v.wrap {
                    16 + rng.below(12)
                } else {
                    120
                }
            }
        })
        .collect()
}

fn row_lines(cells: &[String], widths: &[usize], v: &Variant) -> Lines {
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .enumerate()
        .map(|(c, t)| {
            if v.wrap && c > 0 {
                wrap(t, widths[c])
            } else {
                vec![t.clone()]
            }
        })
        .collect();
    let n = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    (0..n)
        .map(|k| {
            wrapped
                .iter()
                .map(|w| w.get(k).cloned().unwrap_or_default())
                .collect()
        })
        .collect()
}

fn render_line(cells: &[String], widths: &[usize], v: &Variant, rng: &mut Rng) -> String {
    match v.sep {
        Sep::Tabs => cells.join("\t").trim_end_matches('\t').to_string(),
        Sep::Aligned => {
            let mut out = String::new();
            for (c, t) in cells.iter().enumerate() {
                let w = widths.get(c).copied().unwrap_or(20) + 2;
                out.push_str(t);
                let pad = w.saturating_sub(t.chars().count()).max(2);
                if c + 1 < cells.len() {
                    out.push_str(&" ".repeat(pad));
                }
            }
            out.trim_end().to_string()
        }
        Sep::Runs => {
            let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
            let mut out = String::new();
            for (k, t) in filled.iter().enumerate() {
                if k > 0 {
                    out.push_str(&" ".repeat(3 + rng.below(3)));
                }
                out.push_str(t);
            }
            out
        }
    }
}

/// The junk of a page break: a page number, scan debris, a running header.
fn page_break(page: usize, plan: &Plan, rng: &mut Rng, v: &Variant) -> Vec<String> {
    let pad = if v.sep == Sep::Tabs {
        ""
    } else {
        "                                   "
    };
    let mut out = vec![String::new()];
    match rng.below(4) {
        0 => out.push(format!("{pad}- {page} -")),
        1 => out.push(format!("{pad}{page}")),
        2 => out.push(format!("{pad}стр. {page}")),
        _ => out.push(format!("{pad}Страница {page} из 9")),
    }
    match rng.below(3) {
        0 => out.push("** **".into()),
        1 => out.push(".".into()),
        _ => {}
    }
    if rng.chance(50) {
        out.push(format!("Продолжение приложения ({})", plan.preamble[0]));
    }
    out.push(String::new());
    out
}

/// A plan rendered as text with the distortions of `v`.
pub fn render(plan: &Plan, v: &Variant) -> String {
    let mut rng = Rng::new(v.seed);
    let widths = widths(plan, v, &mut rng);
    let mut out: Vec<String> = plan.preamble.clone();
    out.push(String::new());
    if let Some((head, rows)) = &plan.targets {
        let tw: Vec<usize> = head
            .iter()
            .map(|h| h.chars().count().max(12) + 60)
            .collect();
        let flat = Variant { wrap: false, ..*v };
        out.push(render_line(head, &tw, &flat, &mut rng));
        for r in rows {
            out.push(render_line(r, &tw, &flat, &mut rng));
        }
        out.push(String::new());
    }
    let header = header_lines(plan, v, &mut rng);
    for h in &header {
        out.push(render_line(h, &widths, v, &mut rng));
    }
    let mut page = 2;
    let mut since_break = 0;
    for s in &plan.sections {
        let mut heading = if s.number.is_empty() {
            None
        } else {
            Some(format!("{}. {}", s.number, s.title))
        };
        if v.sections == Sections::CutShort
            && let Some(h) = heading.as_mut()
        {
            let keep = h.chars().count() * 3 / 5;
            *h = h.chars().take(keep).collect();
        }
        let glue = v.sections == Sections::Glued && heading.is_some();
        if let Some(h) = &heading
            && !glue
        {
            out.push(h.clone());
        }
        for (k, it) in s.items.iter().enumerate() {
            let mut cells = plan.row(it);
            if glue && k == 0 {
                cells[0] = format!("{} {}", heading.clone().unwrap_or_default(), cells[0]);
            }
            let lines = row_lines(&cells, &widths, v);
            let n = lines.len();
            for (li, l) in lines.iter().enumerate() {
                out.push(render_line(l, &widths, v, &mut rng));
                since_break += 1;
                // A page break, sometimes in the middle of a wrapped row.
                if v.pages && since_break >= 7 && (li + 1 == n || rng.chance(30)) {
                    out.extend(page_break(page, plan, &mut rng, v));
                    page += 1;
                    since_break = 0;
                    for h in &header {
                        out.push(render_line(h, &widths, v, &mut rng));
                    }
                }
            }
        }
    }
    out.push(String::new());
    out.join("\n")
}
