//! Bytes to text: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), and
//! Shift_JIS/CP932 as government files often are. Detected when not given.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};
use std::io::{self, Read, Seek, SeekFrom};

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
    /// The character position in the line (1-based) where the unreadable bytes start.
    pub column: usize,
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
            let (line, column) = text
                .split('\n')
                .enumerate()
                .find_map(|(i, l)| {
                    l.chars()
                        .position(|c| c == '\u{FFFD}')
                        .map(|col| (i + 1, col + 1))
                })
                .unwrap_or((1, 1));
            Err(DecodeError {
                encoding: leak_name(name),
                line,
                column,
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

/// What one pass over a file found: its SHA-256 and how to decode it.
pub struct Scan {
    pub sha256: String,
    pub encoding: &'static Encoding,
    /// Bytes of byte-order mark to skip before decoding.
    pub bom_len: u64,
}

impl Scan {
    pub fn encoding_name(&self) -> &'static str {
        if self.encoding == SHIFT_JIS {
            "shift_jis"
        } else {
            leak_name(self.encoding.name())
        }
    }
}

const CHUNK: usize = 256 * 1024;

/// Pieces read ahead of the hashing thread.
const HASH_QUEUE: usize = 8;

/// Reads `source` once from the start, hashing it and choosing the encoding as `decode`
/// does, without holding the file in memory. `observe` sees every piece read, in order.
/// The hash is computed on a second thread, beside the reading and checking (1M-comment
/// file of 2.8 GB: both take about 1.5 s).
pub fn scan<R: Read + Seek>(
    source: &mut R,
    forced: Option<TextEncoding>,
    observe: &mut dyn FnMut(&[u8]),
) -> io::Result<Scan> {
    source.seek(SeekFrom::Start(0))?;
    let mut head = Vec::new();
    let mut utf8 = Utf8Check::default();
    let sha256 = std::thread::scope(|scope| -> io::Result<String> {
        use sha2::{Digest, Sha256};
        let (full, to_hash) = std::sync::mpsc::sync_channel::<Vec<u8>>(HASH_QUEUE);
        let (empty, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        let hashing = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for piece in to_hash {
                hasher.update(&piece);
                let _ = empty.send(piece);
            }
            hex::encode(hasher.finalize())
        });
        loop {
            let mut buf = recycled.try_recv().unwrap_or_else(|_| vec![0u8; CHUNK]);
            buf.resize(CHUNK, 0);
            let n = source.read(&mut buf)?;
            if n == 0 {
                break;
            }
            buf.truncate(n);
            observe(&buf);
            if head.len() < 4 {
                head.extend_from_slice(&buf[..n.min(4)]);
            }
            utf8.feed(&buf);
            if full.send(buf).is_err() {
                break; // cannot happen: the hashing thread reads until the channel closes
            }
        }
        drop(full);
        hashing
            .join()
            .map_err(|_| io::Error::other("hashing thread failed"))
    })?;
    let (encoding, bom_len) = match (Encoding::for_bom(&head), forced) {
        (Some((enc, len)), None) => (enc, len),
        (Some((enc, len)), Some(_)) if enc == UTF_8 => (enc, len),
        (_, Some(TextEncoding::Utf8)) => (UTF_8, 0),
        (_, Some(TextEncoding::ShiftJis)) => (SHIFT_JIS, 0),
        (_, None) if utf8.valid() => (UTF_8, 0),
        (_, None) => {
            source.seek(SeekFrom::Start(0))?;
            let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = source.read(&mut buf)?;
                detector.feed(&buf[..n], n == 0);
                if n == 0 {
                    break;
                }
            }
            match detector.guess(Some(b"jp"), Utf8Detection::Allow) {
                g if g == UTF_16LE || g == UTF_16BE => (SHIFT_JIS, 0),
                g => (g, 0),
            }
        }
    };
    Ok(Scan {
        sha256,
        encoding,
        bom_len: bom_len as u64,
    })
}

/// UTF-8 validity of a stream fed in pieces (a character may straddle two pieces).
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
}

impl Utf8Check {
    fn feed(&mut self, mut bytes: &[u8]) {
        // First the character begun at the end of the last piece, a byte at a time.
        while !self.carry.is_empty() && !self.invalid {
            let Some((&b, rest)) = bytes.split_first() else {
                return;
            };
            self.carry.push(b);
            bytes = rest;
            match std::str::from_utf8(&self.carry) {
                Ok(_) => self.carry.clear(),
                Err(e) => self.invalid = e.error_len().is_some(),
            }
        }
        if self.invalid {
            return;
        }
        match simdutf8::compat::from_utf8(bytes) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }

    fn valid(&self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

/// Decodes a byte stream to UTF-8 as it is read, refusing malformed bytes with the line
/// they are on (as a `DecodeError` inside the `io::Error`).
pub struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    input: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    lines: usize,
    /// Characters decoded since the last line break.
    column: usize,
}

impl<R: Read + Seek> DecodingReader<R> {
    /// Starts decoding `inner` after the byte-order mark found by `scan`.
    pub fn new(mut inner: R, scan: &Scan) -> io::Result<Self> {
        inner.seek(SeekFrom::Start(scan.bom_len))?;
        Ok(DecodingReader {
            inner,
            decoder: scan.encoding.new_decoder_without_bom_handling(),
            name: scan.encoding_name(),
            input: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            done: false,
            output: vec![0; CHUNK * 3 + 16],
            out_start: 0,
            out_end: 0,
            lines: 1,
            column: 0,
        })
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use encoding_rs::DecoderResult;
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = self.inner.read(&mut self.input)?;
                self.eof = self.end == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut self.output,
                self.eof,
            );
            self.start += read;
            self.out_start = 0;
            self.out_end = written;
            let out = &self.output[..written];
            self.lines += memchr_count(out);
            let after_break = match memchr::memrchr(b'\n', out) {
                Some(at) => {
                    self.column = 0;
                    &out[at + 1..]
                }
                None => out,
            };
            self.column += after_break.iter().filter(|b| (**b & 0xC0) != 0x80).count();
            match result {
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        DecodeError {
                            encoding: self.name,
                            line: self.lines,
                            column: self.column + 1,
                        },
                    ))
                }
            }
        }
    }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}
