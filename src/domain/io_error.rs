//! What the operating system reported, in Russian words: the text a person sees instead of
//! «No such file or directory (os error 2)». A pure mapping of an error's kind and code; no I/O.

use std::io;

/// The Russian description of an I/O error, with the system's code in brackets when there is
/// one (so it can still be looked up), never the system's English text.
pub fn describe(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let code = e.raw_os_error();
    let what = match code {
        // Codes whose kind is too general (Linux numbering; the kind decides elsewhere).
        Some(6) => "устройство не найдено или не готово",
        Some(16) => "файл или устройство занято другой программой",
        Some(24) => "открыто слишком много файлов",
        Some(40) => "слишком много символических ссылок (ссылка указывает сама на себя?)",
        _ => match e.kind() {
            K::NotFound => "файл или папка не найдены",
            K::PermissionDenied => "нет прав доступа",
            K::AlreadyExists => "файл уже существует",
            K::WouldBlock => "операция не может быть выполнена сейчас",
            K::NotADirectory => "это не папка",
            K::IsADirectory => "это папка, а нужен файл",
            K::DirectoryNotEmpty => "папка не пуста",
            K::ReadOnlyFilesystem => "диск доступен только для чтения",
            K::StaleNetworkFileHandle => "сетевой файл стал недоступен",
            K::InvalidInput => "недопустимое имя или параметр",
            K::InvalidData => "данные повреждены или в неверной кодировке",
            K::TimedOut => "истекло время ожидания",
            K::WriteZero => "не удалось дописать данные",
            K::StorageFull => "на диске нет места",
            K::NotSeekable => "это не обычный файл (по нему нельзя перемещаться)",
            K::QuotaExceeded => "превышена квота на диске",
            K::FileTooLarge => "файл слишком большой",
            K::ResourceBusy => "файл или устройство занято",
            K::ExecutableFileBusy => "файл занят выполняемой программой",
            K::Deadlock => "взаимная блокировка",
            K::CrossesDevices => "нельзя переместить файл на другой диск",
            K::TooManyLinks => "слишком много ссылок на файл",
            K::InvalidFilename => "недопустимое или слишком длинное имя файла",
            K::ArgumentListTooLong => "слишком длинный список аргументов",
            K::Interrupted => "операция прервана",
            K::Unsupported => "операция не поддерживается",
            K::UnexpectedEof => "файл оборвался раньше, чем ожидалось",
            K::OutOfMemory => "не хватило памяти",
            K::BrokenPipe => "получатель вывода закрылся",
            K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown => "нет связи (сетевой диск?)",
            _ => "ошибка ввода-вывода",
        },
    };
    match code {
        Some(c) => format!("{what} (код ошибки системы {c})"),
        None => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_errors_are_russian_with_their_code() {
        assert_eq!(
            describe(&io::Error::from_raw_os_error(2)),
            "файл или папка не найдены (код ошибки системы 2)"
        );
        assert_eq!(
            describe(&io::Error::from_raw_os_error(13)),
            "нет прав доступа (код ошибки системы 13)"
        );
        assert_eq!(
            describe(&io::Error::from_raw_os_error(21)),
            "это папка, а нужен файл (код ошибки системы 21)"
        );
        assert_eq!(
            describe(&io::Error::from_raw_os_error(28)),
            "на диске нет места (код ошибки системы 28)"
        );
        assert_eq!(
            describe(&io::Error::new(
                io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8"
            )),
            "данные повреждены или в неверной кодировке"
        );
    }
}
