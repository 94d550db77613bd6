package frontend

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A Scanner splits .snn source into tokens. It is modelled on go/scanner:
//
//   - Source must be UTF-8; an invalid byte or a NUL is reported and skipped.
//     A leading byte order mark is ignored.
//   - Comments are returned as COMMENT tokens: the text with its markers,
//     without carriage returns in // comments and with CRLF as LF in /* */
//     comments (as go/scanner does).
//   - Newlines are terminators where a statement can end: a newline after an
//     IDENT, NUMBER, STRING, ')', ']' or '}' is returned as SEMI with lit
//     "\n", except inside parentheses and brackets, where newlines are
//     blanks. A /* */ comment that spans lines counts as a newline. At EOF a
//     pending terminator is returned before EOF.
//   - Keywords are contextual and scan as IDENT (see Keywords).
//
// Scan never fails: errors go to the handler given to Init, and scanning
// continues.
type Scanner struct {
	file string
	src  []byte
	errh func(pos Pos, msg string)

	ch         rune // current character, -1 at EOF
	offset     int  // offset of ch
	rdOffset   int  // offset after ch
	line       int  // line of ch
	lineOffset int  // offset of the first byte of line

	insertSemi  bool    // a newline now would be a terminator
	nest        []Token // open '(', '[' and '{', innermost last
	pendingSemi *Pos    // terminator owed after a multi-line comment

	// ErrorCount is the number of errors reported.
	ErrorCount int
}

const bom = 0xFEFF

// Init prepares s to scan src, naming it file in positions. errh, if not nil,
// is called for each error.
func (s *Scanner) Init(file string, src []byte, errh func(pos Pos, msg string)) {
	*s = Scanner{file: file, src: src, errh: errh, line: 1, ch: ' '}
	s.next()
	if s.ch == bom {
		s.next()
	}
}

func (s *Scanner) posAt(offset int) Pos {
	return Pos{File: s.file, Line: s.line, Col: offset - s.lineOffset + 1, Offset: offset}
}

func (s *Scanner) error(pos Pos, msg string) {
	s.ErrorCount++
	if s.errh != nil {
		s.errh(pos, msg)
	}
}

// next reads the next character into s.ch.
func (s *Scanner) next() {
	if s.ch == '\n' {
		s.line++
		s.lineOffset = s.rdOffset
	}
	s.offset = s.rdOffset
	if s.rdOffset >= len(s.src) {
		s.ch = -1
		return
	}
	r, w := rune(s.src[s.rdOffset]), 1
	switch {
	case r == 0:
		s.error(s.posAt(s.offset), "invalid NUL character")
	case r >= utf8.RuneSelf:
		r, w = utf8.DecodeRune(s.src[s.rdOffset:])
		if r == utf8.RuneError && w == 1 {
			s.error(s.posAt(s.offset), "invalid UTF-8 encoding")
		} else if r == bom && s.offset > 0 {
			s.error(s.posAt(s.offset), "invalid byte order mark")
		}
	}
	s.rdOffset += w
	s.ch = r
}

// peek returns the byte after s.ch (0 at EOF).
func (s *Scanner) peek() byte {
	if s.rdOffset < len(s.src) {
		return s.src[s.rdOffset]
	}
	return 0
}

func isLetter(ch rune) bool {
	return 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || ch == '_' ||
		ch >= utf8.RuneSelf && unicode.IsLetter(ch)
}

func isDigit(ch rune) bool { return '0' <= ch && ch <= '9' }

func isIdentChar(ch rune) bool {
	return isLetter(ch) || isDigit(ch) || ch >= utf8.RuneSelf && unicode.IsDigit(ch)
}

// inParens reports whether the innermost open bracket is '(' or '['.
func (s *Scanner) inParens() bool {
	n := len(s.nest)
	return n > 0 && s.nest[n-1] != LBRACE
}

// Scan returns the next token: its position, kind and literal text (the
// source text for IDENT, NUMBER, STRING, COMMENT and ILLEGAL; ";" or "\n"
// for SEMI; "" otherwise).
func (s *Scanner) Scan() (pos Pos, tok Token, lit string) {
	if s.pendingSemi != nil {
		pos, s.pendingSemi = *s.pendingSemi, nil
		s.insertSemi = false
		return pos, SEMI, "\n"
	}
	for s.ch == ' ' || s.ch == '\t' || s.ch == '\r' || s.ch == '\n' && (!s.insertSemi || s.inParens()) {
		s.next()
	}
	pos = s.posAt(s.offset)
	insertSemi := false
	switch ch := s.ch; {
	case isLetter(ch):
		lit = s.scanIdent()
		tok, insertSemi = IDENT, true
	case isDigit(ch) || ch == '.' && isDigit(rune(s.peek())):
		lit = s.scanNumber(pos)
		tok, insertSemi = NUMBER, true
	default:
		s.next()
		switch ch {
		case -1:
			if s.insertSemi && !s.inParens() {
				s.insertSemi = false
				return pos, SEMI, "\n"
			}
			return pos, EOF, ""
		case '\n':
			s.insertSemi = false
			return pos, SEMI, "\n"
		case '"':
			lit = s.scanString(pos)
			tok, insertSemi = STRING, true
		case '/':
			if s.ch == '/' || s.ch == '*' {
				lit = s.scanComment(pos)
				if s.insertSemi && !s.inParens() && strings.HasPrefix(lit, "/*") {
					if i := strings.IndexByte(lit, '\n'); i >= 0 {
						nl := endOfText(pos, lit[:i])
						s.pendingSemi = &nl
					}
				}
				return pos, COMMENT, lit // comments leave insertSemi alone
			}
			tok = QUO
		default:
			tok = s.scanOperator(ch, pos)
			if tok == ILLEGAL {
				lit = string(ch)
				insertSemi = s.insertSemi
			}
		}
	}
	if tok != ILLEGAL {
		insertSemi = insertSemi || tokens[tok].endsExpr
	}
	s.insertSemi = insertSemi
	return pos, tok, lit
}

// scanOperator finishes an operator whose first character ch has been
// consumed, using the longest match in the token table.
func (s *Scanner) scanOperator(ch rune, pos Pos) Token {
	if ch < utf8.RuneSelf && s.ch >= 0 && s.ch < utf8.RuneSelf {
		if tok, ok := operators[string([]byte{byte(ch), byte(s.ch)})]; ok {
			s.next()
			return tok
		}
	}
	if tok, ok := operators[string(ch)]; ok {
		s.track(tok)
		return tok
	}
	switch ch {
	case utf8.RuneError, 0, bom:
		// already reported by next
	case '&', '|':
		s.error(pos, fmt.Sprintf("invalid character %q (did you mean '%c%c'?)", ch, ch, ch))
	default:
		s.error(pos, fmt.Sprintf("invalid character %q", ch))
	}
	return ILLEGAL
}

// track maintains the bracket nesting that decides whether a newline is a
// terminator. A closer pops up to its matching opener; ')' and ']' never
// close past an open '{'.
func (s *Scanner) track(tok Token) {
	var open Token
	switch tok {
	case LPAREN, LBRACK, LBRACE:
		s.nest = append(s.nest, tok)
		return
	case RPAREN:
		open = LPAREN
	case RBRACK:
		open = LBRACK
	case RBRACE:
		open = LBRACE
	default:
		return
	}
	for i := len(s.nest) - 1; i >= 0; i-- {
		if s.nest[i] == open {
			s.nest = s.nest[:i]
			return
		}
		if s.nest[i] == LBRACE {
			return
		}
	}
}

func (s *Scanner) scanIdent() string {
	start := s.offset
	for isIdentChar(s.ch) {
		s.next()
	}
	return string(s.src[start:s.offset])
}

func (s *Scanner) digits() {
	for isDigit(s.ch) {
		s.next()
	}
}

// scanNumber scans digits ['.' digits] [('e'|'E') ['+'|'-'] digits], or a
// number starting with '.'. A '.' not followed by a digit ends the number,
// so 0..9 is 0 .. 9.
func (s *Scanner) scanNumber(pos Pos) string {
	start := s.offset
	s.digits()
	if s.ch == '.' && isDigit(rune(s.peek())) {
		s.next()
		s.digits()
	}
	if s.ch == 'e' || s.ch == 'E' {
		epos := s.posAt(s.offset)
		s.next()
		if s.ch == '+' || s.ch == '-' {
			s.next()
		}
		if !isDigit(s.ch) {
			s.error(epos, "exponent has no digits")
			return string(s.src[start:s.offset])
		}
		s.digits()
	}
	lit := string(s.src[start:s.offset])
	if _, err := strconv.ParseFloat(lit, 64); errors.Is(err, strconv.ErrRange) {
		s.error(pos, "number out of range")
	}
	return lit
}

// scanString scans a string literal after its opening quote.
func (s *Scanner) scanString(pos Pos) string {
	start := pos.Offset
	for s.ch != '"' {
		switch s.ch {
		case '\n', -1:
			s.error(pos, "string literal not terminated")
			return string(s.src[start:s.offset])
		case '\\':
			epos := s.posAt(s.offset)
			s.next()
			if !strings.ContainsRune(`"\nt`, s.ch) || s.ch < 0 {
				s.error(epos, "unknown escape sequence")
				continue
			}
		}
		s.next()
	}
	s.next()
	return string(s.src[start:s.offset])
}

// Unquote returns the value of a string literal as scanned (escapes \" \\ \n
// \t; an unknown escape stands for itself, an unterminated literal for its
// text so far).
func Unquote(lit string) string {
	var b strings.Builder
	for i := 1; i < len(lit); i++ { // lit[0] is the opening quote
		c := lit[i]
		switch c {
		case '"':
			return b.String()
		case '\\':
			if i+1 < len(lit) {
				i++
				switch c = lit[i]; c {
				case 'n':
					c = '\n'
				case 't':
					c = '\t'
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// scanComment scans a comment after its first '/'.
func (s *Scanner) scanComment(pos Pos) string {
	start := pos.Offset
	if s.ch == '/' {
		for s.ch != '\n' && s.ch >= 0 {
			s.next()
		}
		return strings.ReplaceAll(string(s.src[start:s.offset]), "\r", "")
	}
	s.next() // '*'
	for {
		if s.ch < 0 {
			s.error(pos, "comment not terminated")
			return strings.ReplaceAll(string(s.src[start:s.offset]), "\r\n", "\n")
		}
		ch := s.ch
		s.next()
		if ch == '*' && s.ch == '/' {
			s.next()
			return strings.ReplaceAll(string(s.src[start:s.offset]), "\r\n", "\n")
		}
	}
}
