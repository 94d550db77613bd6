// Package frontend turns .snn source into an ir.Module.
//
// The work happens in three stages:
//
//   - syntax (token.go, scanner.go, parser.go, ast.go): the scanner splits
//     UTF-8 source into tokens, inserting newline terminators Go-style; the
//     parser builds a syntax tree (File) and reports every syntax error with
//     its position, recovering at the next terminator or closing brace, so a
//     partial tree is always available. format.go prints a tree in the one
//     canonical layout (snnc fmt), keeping every comment.
//   - checking (check.go): name resolution across imports and the standard
//     models (stdlib/), and physical-dimension checking of every expression.
//   - lowering (lower.go): checked declarations become an ir.Module.
//
// Diagnostics (diag.go) are Errors with a Pos (file:line:col, columns in
// bytes) and a lowercase message saying what was found and what was
// expected; FormatErrors prints them with the offending source line and a
// caret. Bad input never panics.
//
// The grammar is in docs/design/grammar.md.
package frontend
