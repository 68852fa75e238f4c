//! What the XML reader (quick-xml) found wrong, in Russian: a person reads «не закрыт тег», never
//! the reader's English text.

use quick_xml::errors::{IllFormedError, SyntaxError};

/// The Russian description of a quick-xml error.
pub fn describe(e: &quick_xml::Error) -> String {
    use quick_xml::Error as E;
    match e {
        E::Io(io) => crate::domain::io_error::describe(io),
        E::Syntax(s) => match s {
            SyntaxError::InvalidBangMarkup => "неизвестная конструкция после «<!»".into(),
            SyntaxError::UnclosedPI => "не закрыта инструкция «<?…?>»".into(),
            SyntaxError::UnclosedXmlDecl => "не закрыто объявление «<?xml …?>»".into(),
            SyntaxError::UnclosedComment => "не закрыт комментарий «<!-- … -->»".into(),
            SyntaxError::UnclosedDoctype => "не закрыто объявление «<!DOCTYPE …>»".into(),
            SyntaxError::UnclosedCData => "не закрыт раздел «<![CDATA[ … ]]>»".into(),
            SyntaxError::UnclosedTag => "не закрыт тег: нет «>» до конца файла".into(),
            SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue => {
                "не закрыты кавычки значения атрибута".into()
            }
        },
        E::IllFormed(i) => match i {
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion => {
                "в объявлении <?xml?> нет версии или она неизвестна".into()
            }
            IllFormedError::MissingDoctypeName => "в <!DOCTYPE> нет имени".into(),
            IllFormedError::MissingEndTag(t) => format!("не закрыт элемент «{t}»"),
            IllFormedError::UnmatchedEndTag(t) => {
                format!("закрывающий тег «</{t}>» без открывающего")
            }
            IllFormedError::MismatchedEndTag { expected, found } => {
                format!("ожидался закрывающий тег «</{expected}>», а встретился «</{found}>»")
            }
            IllFormedError::DoubleHyphenInComment => "«--» внутри комментария".into(),
            IllFormedError::UnclosedReference => "не закончена ссылка «&…;»".into(),
        },
        E::InvalidAttr(_) => "неправильный атрибут (повтор, нет значения или кавычек)".into(),
        E::Encoding(_) => "текст не в объявленной кодировке".into(),
        E::Escape(_) => "неизвестная или неправильная ссылка «&…;»".into(),
        E::Namespace(_) => "неизвестный префикс пространства имен".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_errors_are_russian() {
        let mut r = quick_xml::Reader::from_str("<a><b></a>");
        r.config_mut().check_end_names = true;
        let e = loop {
            match r.read_event() {
                Err(e) => break e,
                Ok(quick_xml::events::Event::Eof) => panic!("no error"),
                Ok(_) => {}
            }
        };
        assert_eq!(
            describe(&e),
            "ожидался закрывающий тег «</b>», а встретился «</a>»"
        );
        let mut r = quick_xml::Reader::from_str("<a");
        let e = loop {
            match r.read_event() {
                Err(e) => break e,
                Ok(quick_xml::events::Event::Eof) => panic!("no error"),
                Ok(_) => {}
            }
        };
        assert_eq!(describe(&e), "не закрыт тег: нет «>» до конца файла");
    }
}
