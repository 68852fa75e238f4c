//! Russian names of the fields the journal (журнал изменений) records: the audit log stores the
//! column or key changed (`receipt_status`, `org_id`, `1.1.stand_present`); a person reads
//! «статус приема порталом», «организация», «исходные данные 1.1.stand_present».

use std::borrow::Cow;

/// The Russian name of an audited field; an unknown name is returned as it is.
pub fn field_ru(field: &str) -> Cow<'_, str> {
    let name = match field {
        "action" => "действие",
        "active" => "действует",
        "actual" => "фактическое значение",
        "actual_date" => "дата выполнения",
        "address" => "адрес",
        "agenda" => "повестка",
        "approved_by" => "кем утвержден",
        "approved_on" => "дата утверждения",
        "at" => "время",
        "authority_id" => "уполномоченный орган",
        "cancel_reason" => "причина отмены",
        "checked_at" => "время проверки",
        "code" => "код",
        "completed_on" => "дата завершения",
        "computed_at" => "время расчета",
        "contract_date" => "дата договора",
        "contract_number" => "номер договора",
        "council_protocol_date" => "дата протокола общественного совета",
        "council_protocol_number" => "номер протокола общественного совета",
        "criterion" => "критерий",
        "cycle_id" => "цикл",
        "date" => "дата",
        "deadline_due" => "срок (дата)",
        "deadline_text" => "срок (как написан)",
        "decisions" => "решения",
        "description" => "описание",
        "entity" => "объект",
        "entity_id" => "номер объекта",
        "expected_result" => "ожидаемый результат",
        "exported_at" => "время выгрузки",
        "field" => "поле",
        "file" => "файл",
        "form" => "форма",
        "founder_id" => "учредитель",
        "full_name" => "полное наименование",
        "group_place" => "место в группе",
        "group_ranked" => "участников в группе",
        "grp" => "группа",
        "header_id" => "заголовок выгрузки",
        "id" => "номер",
        "implemented_measures" => "реализованные меры",
        "indicator" => "показатель",
        "indicator_id" => "показатель",
        "inn" => "ИНН",
        "input_key" => "ключ исходных данных",
        "item_id" => "пункт",
        "key" => "ключ",
        "key_id" => "ключ",
        "kind" => "вид",
        "kpp" => "КПП",
        "measure" => "мероприятие",
        "membership_id" => "участие в цикле",
        "methodology" => "методика",
        "name" => "наименование",
        "new_value" => "новое значение",
        "note" => "примечание",
        "number" => "номер",
        "ogrn" => "ОГРН",
        "oktmo" => "ОКТМО",
        "old_value" => "прежнее значение",
        "operator_inn" => "ИНН оператора",
        "operator_name" => "оператор",
        "org_id" => "организация",
        "os_user" => "пользователь",
        "parent_id" => "вышестоящий пункт",
        "place" => "место",
        "places" => "места",
        "plan_approved_on" => "дата утверждения плана",
        "plan_row_id" => "строка плана",
        "planned" => "плановое значение",
        "planned_date" => "плановый срок",
        "position" => "должность",
        "position_id" => "идентификатор позиции",
        "protocol_number" => "номер протокола",
        "ranked" => "участников рейтинга",
        "receipt_at" => "время приема порталом",
        "recipients" => "число получателей услуг",
        "receipt_status" => "статус приема порталом",
        "receipt_url" => "ссылка на протокол портала",
        "reg_num" => "код по Сводному реестру",
        "region" => "регион",
        "resp_first_name" => "имя ответственного",
        "resp_last_name" => "фамилия ответственного",
        "resp_middle_name" => "отчество ответственного",
        "resp_position" => "должность ответственного",
        "respondents" => "число респондентов",
        "result_indicators" => "показатели результата",
        "score_error" => "ошибка расчета",
        "scores" => "баллы",
        "scores_stale" => "баллы устарели",
        "section_id" => "раздел",
        "sector" => "сфера",
        "short_name" => "сокращенное наименование",
        "shortcoming" => "недостаток",
        "shortcoming_id" => "недостаток",
        "status" => "статус",
        "text" => "текст",
        "title" => "название",
        "total" => "итог",
        "unit" => "единица измерения",
        "vals" => "значения",
        "value" => "значение",
        "verdict" => "заключение",
        "version" => "версия",
        "version_number" => "номер версии",
        "website" => "сайт",
        "workplan_id" => "план органа",
        "year" => "год",
        "year_from" => "с года",
        "year_to" => "по год",
        other => {
            // `actual 2025`: the actual value of a target indicator for a year.
            if let Some(year) = other.strip_prefix("actual ") {
                return Cow::Owned(format!("фактическое значение за {year}"));
            }
            // An input key of the methodology (`1.1.stand_present`).
            if other.starts_with(|c: char| c.is_ascii_digit()) && other.contains('.') {
                return Cow::Owned(format!("исходные данные {other}"));
            }
            return Cow::Borrowed(other);
        }
    };
    Cow::Borrowed(name)
}

/// A value of an audited field as a person reads it: a plan row's status by its Russian name,
/// a stored date (ГГГГ-ММ-ДД) as ДД.ММ.ГГГГ; anything else as it is.
pub fn value_ru<'a>(field: &str, value: &'a str) -> Cow<'a, str> {
    if field == "status"
        && let Some(s) = crate::domain::plan::PlanStatus::parse(value)
    {
        return Cow::Borrowed(s.name_ru());
    }
    if field == "receipt_status" {
        match value {
            "accepted" => return Cow::Borrowed("принят порталом"),
            "rejected" => return Cow::Borrowed("отклонен порталом"),
            _ => {}
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        && value.len() == 10
    {
        return Cow::Owned(d.format("%d.%m.%Y").to_string());
    }
    Cow::Borrowed(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_in_russian() {
        assert_eq!(field_ru("receipt_status"), "статус приема порталом");
        assert_eq!(field_ru("org_id"), "организация");
        assert_eq!(field_ru("scores_stale"), "баллы устарели");
        assert_eq!(field_ru("actual 2025"), "фактическое значение за 2025");
        assert_eq!(
            field_ru("1.1.stand_present"),
            "исходные данные 1.1.stand_present"
        );
    }

    #[test]
    fn values_are_shown_as_people_write_them() {
        assert_eq!(value_ru("status", "in_progress"), "выполняется");
        assert_eq!(value_ru("actual_date", "2026-11-20"), "20.11.2026");
        assert_eq!(value_ru("note", "2026-11-20 и далее"), "2026-11-20 и далее");
        assert_eq!(value_ru("grp", "А"), "А");
        assert_eq!(value_ru("receipt_status", "rejected"), "отклонен порталом");
    }
}
