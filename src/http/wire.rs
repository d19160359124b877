//! The connection's bytes, made fit for actix-http before it parses them, and its answers
//! to requests it could not parse made JSON.
//!
//! Two things happen below actix-web, where no middleware reaches:
//! - curl sends `?q=Ալիևը` as raw UTF-8 (as browsers show it), and actix-http's URI type
//!   refuses every byte above 0x7F with an empty `400`. Each such byte of a request *target*
//!   is percent-encoded here, which is what a browser sends for the same URL, so the query
//!   and path decode to the same text.
//! - A request actix-http cannot parse (a broken request line, headers too large, headers
//!   too slow) is answered by actix-http itself with an empty body. Such an answer is given
//!   the error table's JSON body on its way out.
//!
//! The reader follows HTTP/1.1 framing only as far as it needs to find where each request
//! line starts: it skips `Content-Length` bodies, and after a chunked body (which it does not
//! follow) it passes everything through unchanged.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::error::ErrorCode;

/// A connection whose request targets are percent-encoded where they hold raw bytes above
/// 0x7F, and whose empty-bodied error answers get a JSON body.
pub struct Wire<S> {
    inner: S,
    framing: Framing,
    /// Bytes read and rewritten but not yet handed to the reader.
    readable: Vec<u8>,
    readable_at: usize,
    /// Bytes accepted from the writer (rewritten) but not yet written.
    writable: Vec<u8>,
    writable_at: usize,
}

impl<S> Wire<S> {
    pub fn new(inner: S) -> Wire<S> {
        Wire {
            inner,
            framing: Framing::default(),
            readable: Vec::new(),
            readable_at: 0,
            writable: Vec::new(),
            writable_at: 0,
        }
    }
}

/// Where in the request stream the next byte is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before a request line (empty lines between requests are allowed).
    #[default]
    Start,
    Method,
    /// The request target: bytes above 0x7F are encoded here.
    Target,
    Version,
    /// In a header line; `len` bytes so far (without `\r`).
    Header {
        len: usize,
    },
    /// In a body with this many bytes left.
    Body(u64),
    /// Framing no longer followed (a chunked body): everything passes.
    Through,
}

/// The reader's state: where it is, and what the current request's headers said.
#[derive(Debug, Default)]
struct Framing {
    at: At,
    /// The start of the current header line, lower-cased, for the two headers that frame a
    /// body.
    line: Vec<u8>,
    length: Option<u64>,
    chunked: bool,
    /// The connection becomes something else after this request (`CONNECT`, `Upgrade`):
    /// its bytes are not followed any further.
    tunnel: bool,
    /// The method's first bytes, to tell `CONNECT`.
    method: Vec<u8>,
}

/// The longest start of a header line kept to recognise it.
const KEEP_OF_LINE: usize = 64;

impl Framing {
    /// How many of `bytes` need no rewriting, from the start; the state moves past them.
    fn pass(&mut self, bytes: &[u8]) -> usize {
        let mut i = 0;
        while i < bytes.len() {
            match self.at {
                At::Through => return bytes.len(),
                At::Body(left) => {
                    let take = left.min((bytes.len() - i) as u64);
                    i += take as usize;
                    self.at = if take == left {
                        At::Start
                    } else {
                        At::Body(left - take)
                    };
                    continue;
                }
                At::Target if bytes[i] >= 0x80 => return i,
                _ => {}
            }
            self.step(bytes[i]);
            i += 1;
        }
        i
    }

    /// Moves past one byte outside a body.
    fn step(&mut self, b: u8) {
        self.at = match self.at {
            At::Start if b == b'\r' || b == b'\n' => At::Start,
            At::Start | At::Method if b == b' ' => {
                self.tunnel |= self.method.eq_ignore_ascii_case(b"CONNECT");
                self.method.clear();
                At::Target
            }
            At::Start | At::Method => {
                if self.method.len() < 8 {
                    self.method.push(b);
                }
                At::Method
            }
            At::Target if b == b' ' => At::Version,
            At::Target | At::Version if b == b'\n' => self.header_start(),
            At::Target => At::Target,
            At::Version => At::Version,
            At::Header { len } if b == b'\n' => {
                if len == 0 {
                    self.headers_end()
                } else {
                    self.header_line(len);
                    self.header_start()
                }
            }
            At::Header { len } if b == b'\r' => At::Header { len },
            At::Header { len } => {
                if self.line.len() < KEEP_OF_LINE {
                    self.line.push(b.to_ascii_lowercase());
                }
                At::Header { len: len + 1 }
            }
            at @ (At::Body(_) | At::Through) => at,
        };
    }

    fn header_start(&mut self) -> At {
        self.line.clear();
        At::Header { len: 0 }
    }

    /// Notes what a complete header line (`len` bytes, of which the first are kept) says
    /// about the body.
    fn header_line(&mut self, len: usize) {
        let line = String::from_utf8_lossy(&self.line);
        if let Some(value) = line.strip_prefix("content-length:") {
            self.length = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("transfer-encoding:") {
            // A value longer than what is kept may name `chunked` further on: assume it.
            self.chunked |= value.contains("chunked") || len > KEEP_OF_LINE;
        } else if line.starts_with("upgrade:") {
            self.tunnel = true;
        }
    }

    fn headers_end(&mut self) -> At {
        let at = if self.chunked || self.tunnel {
            At::Through
        } else {
            match self.length {
                Some(n) if n > 0 => At::Body(n),
                _ => At::Start,
            }
        };
        self.length = None;
        self.chunked = false;
        self.line.clear();
        at
    }

    /// Rewrites `bytes` (which the caller could not pass as they are) into `out`.
    fn rewrite(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        while !bytes.is_empty() {
            let n = self.pass(bytes);
            out.extend_from_slice(&bytes[..n]);
            bytes = &bytes[n..];
            if let Some((&b, rest)) = bytes.split_first() {
                // A raw byte of the target: percent-encoded, as a browser sends it.
                out.extend_from_slice(format!("%{b:02X}").as_bytes());
                bytes = rest;
            }
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Wire<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.readable_at < this.readable.len() {
            let n = buf.remaining().min(this.readable.len() - this.readable_at);
            buf.put_slice(&this.readable[this.readable_at..this.readable_at + n]);
            this.readable_at += n;
            if this.readable_at == this.readable.len() {
                this.readable.clear();
                this.readable_at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {}
            other => return other,
        }
        // Most reads need nothing rewritten: they stay where they were read to.
        let fresh = &buf.filled()[before..];
        let kept = this.framing.pass(fresh);
        if kept < fresh.len() {
            let rest = fresh[kept..].to_vec();
            buf.set_filled(before + kept);
            let mut rewritten = Vec::with_capacity(rest.len() + 16);
            // The byte `pass` stopped at is a target byte to encode.
            rewritten.extend_from_slice(format!("%{:02X}", rest[0]).as_bytes());
            this.framing.rewrite(&rest[1..], &mut rewritten);
            let n = buf.remaining().min(rewritten.len());
            buf.put_slice(&rewritten[..n]);
            this.readable = rewritten;
            this.readable_at = n;
            if this.readable_at == this.readable.len() {
                this.readable.clear();
                this.readable_at = 0;
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// The JSON body for an answer actix-http gave without one, by its status line.
fn error_body(head: &[u8]) -> Option<(ErrorCode, &'static str)> {
    let status = head.get(9..12)?;
    Some(match status {
        b"400" => (
            ErrorCode::MalformedRequest,
            "the request is not valid HTTP/1.1: check its request line (the method, a path starting with / and HTTP/1.1) and its headers",
        ),
        b"431" => (
            ErrorCode::HeadersTooLarge,
            "the request's head is too large (more than 96 headers or 128 KiB)",
        ),
        b"408" => (
            ErrorCode::HeaderTimeout,
            "the request's headers did not arrive within 5 seconds",
        ),
        _ => return None,
    })
}

/// `head` + `body` when `bytes` start with an empty-bodied error answer from actix-http
/// (ours always have a body), else `None`.
fn with_json_body(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = &bytes[..end + 2];
    let lower = head.to_ascii_lowercase();
    let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
    // actix-http's own answers to what it cannot parse: no body, no type, and the
    // connection closed. (A write can start inside one of the app's bodies after a partial
    // write; those three together make such a body unlikely to be taken for a head.)
    if !has(b"\r\ncontent-length: 0\r\n")
        || !has(b"\r\nconnection: close\r\n")
        || has(b"\r\ncontent-type")
    {
        return None;
    }
    let (code, message) = error_body(head)?;
    let body =
        serde_json::json!({"error": {"code": code.as_str(), "message": message}}).to_string();
    let mut out = Vec::with_capacity(bytes.len() + body.len() + 64);
    for line in head.split(|&b| b == b'\n') {
        let line_lower = line.to_ascii_lowercase();
        if line.is_empty() || line_lower.starts_with(b"content-length:") {
            continue;
        }
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(b"content-type: application/json\r\n");
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(body.as_bytes());
    out.extend_from_slice(&bytes[end + 4..]);
    Some(out)
}

impl<S: AsyncWrite + Unpin> Wire<S> {
    /// Writes what a rewrite left pending; `Ready(Ok)` once nothing is.
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.writable_at < self.writable.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &self.writable[self.writable_at..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => self.writable_at += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        self.writable.clear();
        self.writable_at = 0;
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Wire<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        }
        if let Some(rewritten) = with_json_body(buf) {
            this.writable = rewritten;
            this.writable_at = 0;
            // Accepted whole; written by this call and the next ones, or by flush.
            return match this.drain(cx) {
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                _ => Poll::Ready(Ok(buf.len())),
            };
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

/// The bytes a reader of a [`Wire`] gets when the peer sends `bytes` in pieces ending at
/// `ends` (ascending offsets), read through a small buffer: for the fuzz target and tests.
pub fn rewrite_reads(bytes: &[u8], ends: &[usize]) -> Vec<u8> {
    /// Yields one piece per read, as a socket yields what has arrived.
    struct Pieces<'a> {
        bytes: &'a [u8],
        /// Where the remaining pieces end.
        ends: &'a [usize],
        at: usize,
    }
    impl AsyncRead for Pieces<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let end = match self.ends.first() {
                Some(&end) => end.min(self.bytes.len()),
                None => self.bytes.len(),
            };
            let n = (end.saturating_sub(self.at)).min(buf.remaining());
            buf.put_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            if self.at >= end {
                self.ends = self.ends.get(1..).unwrap_or(&[]);
            }
            Poll::Ready(Ok(()))
        }
    }
    let mut wire = Wire::new(Pieces { bytes, ends, at: 0 });
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut out = Vec::new();
    let mut chunk = [0u8; 61];
    loop {
        let mut buf = ReadBuf::new(&mut chunk);
        match Pin::new(&mut wire).poll_read(&mut cx, &mut buf) {
            Poll::Ready(Ok(())) if buf.filled().is_empty() => {
                if wire.inner.at >= bytes.len() {
                    return out;
                }
            }
            Poll::Ready(Ok(())) => out.extend_from_slice(buf.filled()),
            other => panic!("an in-memory read ended with {other:?}"),
        }
    }
}

/// The bytes a peer gets when the server writes `bytes` as one answer through a [`Wire`].
pub fn rewrite_writes(bytes: &[u8]) -> Vec<u8> {
    let mut wire = Wire::new(Vec::new());
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut at = 0;
    while at < bytes.len() {
        match Pin::new(&mut wire).poll_write(&mut cx, &bytes[at..]) {
            Poll::Ready(Ok(n)) if n > 0 => at += n,
            other => panic!("an in-memory write ended with {other:?}"),
        }
    }
    match Pin::new(&mut wire).poll_flush(&mut cx) {
        Poll::Ready(Ok(())) => wire.inner,
        other => panic!("an in-memory flush ended with {other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(input: &[u8]) -> String {
        let mut framing = Framing::default();
        let mut out = Vec::new();
        framing.rewrite(input, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn raw_bytes_of_the_target_are_encoded_and_nothing_else() {
        let request =
            "GET /v1/concordance?q=Ալիևը&lang=hy HTTP/1.1\r\nHost: x\r\nX-Name: Ալիև\r\n\r\n";
        assert_eq!(
            rewritten(request.as_bytes()),
            "GET /v1/concordance?q=%D4%B1%D5%AC%D5%AB%D6%87%D5%A8&lang=hy HTTP/1.1\r\nHost: x\r\nX-Name: Ալիև\r\n\r\n"
        );
    }

    #[test]
    fn bodies_are_skipped_and_the_next_request_is_found() {
        let body = "{\"text\":\"Ալիև GET /Ա \"}";
        let requests = format!(
            "POST /v1/match HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}GET /Ա HTTP/1.1\r\n\r\n",
            body.len()
        );
        assert_eq!(
            rewritten(requests.as_bytes()),
            format!(
                "POST /v1/match HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}GET /%D4%B1 HTTP/1.1\r\n\r\n",
                body.len()
            )
        );
    }

    #[test]
    fn after_a_chunked_body_everything_passes() {
        let requests = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nԱ\r\n0\r\n\r\nGET /Ա HTTP/1.1\r\n\r\n";
        assert_eq!(rewritten(requests.as_bytes()), requests);
    }

    #[test]
    fn a_long_transfer_encoding_and_tunnels_are_not_followed() {
        let long = format!(
            "POST /a HTTP/1.1\r\nTransfer-Encoding: {}chunked\r\n\r\nԱ GET /Ա HTTP/1.1\r\n\r\n",
            "gzip, ".repeat(20)
        );
        assert_eq!(rewritten(long.as_bytes()), long);
        let upgrade = "GET /a HTTP/1.1\r\nUpgrade: websocket\r\n\r\nGET /Ա ";
        assert_eq!(rewritten(upgrade.as_bytes()), upgrade);
        let connect = "CONNECT x:443 HTTP/1.1\r\n\r\nGET /Ա ";
        assert_eq!(rewritten(connect.as_bytes()), connect);
    }

    #[test]
    fn byte_by_byte_is_the_same_as_at_once() {
        let request = "GET /Ալիև?q=Ə HTTP/1.1\r\ncontent-length: 2\r\n\r\nԱGET /ə HTTP/1.1\r\n\r\n";
        let mut framing = Framing::default();
        let mut out = Vec::new();
        for b in request.as_bytes() {
            framing.rewrite(std::slice::from_ref(b), &mut out);
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            rewritten(request.as_bytes())
        );
    }

    #[test]
    fn empty_error_answers_get_the_tables_json() {
        let answer = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(with_json_body(answer).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ndate: x\r\ncontent-type: application/json\r\ncontent-length: "), "{out}");
        assert!(
            out.ends_with(r#""code":"malformed_request"}}"#)
                || out.contains(r#""code":"malformed_request""#),
            "{out}"
        );
        // Without `connection: close` it is not actix-http's error answer.
        assert!(with_json_body(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").is_none());
        // Ours have bodies and are left alone; so are successes.
        assert!(with_json_body(
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n{\"error\":{}}"
        )
        .is_none());
        assert!(with_json_body(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
