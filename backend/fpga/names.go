package fpga

import (
	"strconv"
	"strings"
)

// cppKeywords are names a generated identifier must not take (C++17
// keywords, and names the generated code uses itself).
var cppKeywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`alignas alignof and and_eq asm auto bitand bitor bool break case catch
		char char16_t char32_t class compl const constexpr const_cast continue decltype default delete do
		double dynamic_cast else enum explicit export extern false float for friend goto if inline int long
		mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
		reinterpret_cast return short signed sizeof static static_assert static_cast struct switch template
		this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
		wchar_t while xor xor_eq main snnc std i i0 l k q s t d pre post lo hi slot
		abs min max div rem`) {
		cppKeywords[w] = true
	}
}

// ident turns a name into a C++ identifier: letters, digits and '_';
// anything else becomes '_', a leading digit gets an 'n' prefix, and the
// reserved forms (a leading '_', "__") are removed.
func ident(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			if i == 0 {
				b.WriteByte('n')
			}
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	// Reserved forms: a leading underscore, and double underscores.
	for strings.HasPrefix(out, "_") {
		out = out[1:]
	}
	for strings.Contains(out, "__") {
		out = strings.ReplaceAll(out, "__", "_")
	}
	if out == "" {
		out = "x"
	}
	return out
}

// namer hands out unique identifiers within one scope.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

// name returns a unique identifier built from the parts (joined by '_',
// each made an identifier); a clash gets a numeric suffix.
func (n *namer) name(parts ...string) string {
	var ps []string
	for _, p := range parts {
		if p != "" {
			ps = append(ps, ident(p))
		}
	}
	base := strings.Join(ps, "_")
	if base == "" {
		base = "x"
	}
	if l := strings.ToLower(base); strings.HasPrefix(l, "snnc") {
		base = "x" + base // the support library's prefix
	}
	c := base
	for i := 2; n.used[c] || cppKeywords[c]; i++ {
		c = base + "_" + strconv.Itoa(i)
	}
	n.used[c] = true
	return c
}

// reserve marks identifiers as taken.
func (n *namer) reserve(names ...string) {
	for _, s := range names {
		n.used[s] = true
	}
}
