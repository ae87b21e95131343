//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), and
//! Shift_JIS/CP932 as government files often are. Detected when not given.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "shift_jis", alias = "sjis", alias = "cp932")]
    ShiftJis,
}

impl TextEncoding {
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::ShiftJis => "shift_jis",
        }
    }
}

/// Decoding failed: the byte offset is turned into a line number for the message.
#[derive(Debug, thiserror::Error)]
#[error("{line} 行目: {encoding} として読めない文字があります (--encoding で文字コードを指定してください)")]
pub struct DecodeError {
    pub encoding: &'static str,
    pub line: usize,
}

/// Decodes `bytes`, returning the text and the name of the encoding used.
pub fn decode(
    bytes: &[u8],
    forced: Option<TextEncoding>,
) -> Result<(String, &'static str), DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        if forced.is_none() || enc == UTF_8 {
            return strict(enc, &bytes[bom_len..]);
        }
    }
    let encoding = match forced {
        Some(TextEncoding::Utf8) => UTF_8,
        Some(TextEncoding::ShiftJis) => SHIFT_JIS,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => {
            let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let guess = detector.guess(Some(b"jp"), Utf8Detection::Allow);
            if guess == UTF_16LE || guess == UTF_16BE {
                SHIFT_JIS
            } else {
                guess
            }
        }
    };
    strict(encoding, bytes)
}

fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
) -> Result<(String, &'static str), DecodeError> {
    let name = if encoding == SHIFT_JIS {
        "shift_jis"
    } else {
        encoding.name()
    };
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), leak_name(name))),
        None => {
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            let line = text
                .split('\n')
                .position(|l| l.contains('\u{FFFD}'))
                .map_or(1, |i| i + 1);
            Err(DecodeError {
                encoding: leak_name(name),
                line,
            })
        }
    }
}

fn leak_name(name: &str) -> &'static str {
    match name {
        "shift_jis" => "shift_jis",
        "UTF-8" => "utf-8",
        "UTF-16LE" => "utf-16le",
        "UTF-16BE" => "utf-16be",
        "EUC-JP" => "euc-jp",
        "ISO-2022-JP" => "iso-2022-jp",
        _ => "other",
    }
}

/// Encodes text as Shift_JIS (CP932), for writing files government systems expect.
pub fn encode_shift_jis(text: &str) -> Vec<u8> {
    SHIFT_JIS.encode(text).0.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom_and_shift_jis_are_detected() {
        let text = "No.\t御意見\n1\t①髙橋～について\n";
        assert_eq!(
            decode(text.as_bytes(), None).unwrap(),
            (text.to_string(), "utf-8")
        );
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom, None).unwrap().0, text);
        let sjis = encode_shift_jis(text);
        assert_eq!(
            decode(&sjis, None).unwrap(),
            (text.to_string(), "shift_jis")
        );
        assert_eq!(decode(&sjis, Some(TextEncoding::ShiftJis)).unwrap().0, text);
    }

    #[test]
    fn a_wrong_forced_encoding_names_the_line() {
        let sjis = encode_shift_jis("見出し\n二行目の意見\n");
        let err = decode(&sjis, Some(TextEncoding::Utf8)).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.to_string().contains("1 行目"));
    }
}
