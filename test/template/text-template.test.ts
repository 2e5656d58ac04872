import { describe, expect, it } from "vitest";
import {
  GoMap,
  GoSlice,
  GoStruct,
  stringMap,
  Template,
  type MissingKey,
  type Value,
} from "../../src/template/index.js";

// A struct like the `T` of Go's exec_test.go (our own, smaller).
const data = new GoStruct(
  "main.T",
  new Map<string, Value>([
    ["I", 17n],
    ["F", 1.5],
    ["S", "xyz"],
    ["B", true],
    ["Empty", ""],
    ["SI", new GoSlice("[]int", [3n, 4n, 5n])],
    ["NoSI", new GoSlice("[]int", [])],
    ["MSI", new GoMap("map[string]int", new Map<string, Value>([["one", 1n], ["two", 2n], ["three", 3n]]), 0n)],
    ["MSS", stringMap({ a: "A" })],
    ["Inf", Infinity],
    ["NaN", NaN],
  ]),
);

async function exec(text: string, missingKey: MissingKey = "invalid"): Promise<{ out?: string; err?: string }> {
  try {
    return { out: await Template.parse("t", text, { missingKey }).execute(data) };
  } catch (e) {
    return { err: (e as Error).message };
  }
}

type Row = [name: string, text: string, want: string];

const outputs: Row[] = [
  ["field int", "{{.I}}", "17"],
  ["field float", "{{.F}}", "1.5"],
  ["map key", "{{.MSI.one}}", "1"],
  ["missing map key, default option", "{{.MSI.nope}}", "<no value>"],
  ["range slice", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-"],
  ["range index and element", "{{range $i, $x := .SI}}<{{$i}}={{$x}}>{{end}}", "<0=3><1=4><2=5>"],
  ["range map in key order", "{{range .MSI}}{{.}} {{end}}", "1 3 2 "],
  ["range map key and value", "{{range $k, $v := .MSI}}{{$k}}={{$v}} {{end}}", "one=1 three=3 two=2 "],
  ["range else", "{{range .NoSI}}x{{else}}empty{{end}}", "empty"],
  ["range over int", "{{range 3}}{{.}}{{end}}", "012"],
  ["range break", "{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3"],
  ["range continue", "{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35"],
  ["if", "{{if .B}}yes{{else}}no{{end}}", "yes"],
  ["else if", "{{if .Empty}}e{{else if .I}}i{{else}}no{{end}}", "i"],
  ["with", "{{with .S}}{{.}}{{end}}", "xyz"],
  ["with else", "{{with .Empty}}x{{else}}none{{end}}", "none"],
  ["else with", "{{with .Empty}}a{{else with .S}}{{.}}{{end}}", "xyz"],
  ["with declaration", "{{with $x := .I}}{{$x}}{{end}}", "17"],
  ["assignment", "{{$x := 1}}{{$x = 2}}{{$x}}", "2"],
  ["assignment reaches outer scope", "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}", "2"],
  ["declaration shadows in inner scope", "{{$x := 1}}{{if true}}{{$x := 2}}{{end}}{{$x}}", "1"],
  ["$ is the data", "{{with .SI}}{{$.S}}{{end}}", "xyz"],
  ["trim markers", "a  {{- 1 -}}  b", "a1b"],
  ["trim markers eat newlines", "a\n\t{{- 1 -}}\n b", "a1b"],
  ["comment", "a {{/* c */}} b", "a  b"],
  ["trimmed comment", "a {{- /* c */ -}} b", "ab"],
  ["minus number is not a trim marker", "{{-3}}", "-3"],
  ["action spans lines", "{{\n.I\n}}", "17"],
  ["string escapes", '{{"\\t\\u00e9\\x41\\101"}}', "\téAA"],
  ["raw string", "{{`a\\n`}}", "a\\n"],
  ["char constant is an int", "{{'a'}}", "97"],
  ["hex int", "{{0x10}}", "16"],
  ["binary and octal", "{{0b101}} {{0o17}} {{017}}", "5 15 15"],
  ["underscore digits", "{{1_000}}", "1000"],
  ["float with exponent", "{{1e3}}", "1000"],
  ["hex float", "{{0x1p-2}}", "0.25"],
  ["negative zero", "{{-0.0}}", "-0"],
  ["bool", "{{true}}", "true"],
  ["print spacing", '{{print 1 2 "a" "b" 3}}', "1 2ab3"],
  ["println", '{{println 1 "a"}}', "1 a\n"],
  ["pipeline final argument", '{{.I | printf "%d-%s" "x"}}', "%!d(string=x)-%!s(int=17)"],
  ["pipeline into len", '{{"x" | len}}', "1"],
  ["eq", "{{eq 1 1}} {{eq 1 2 3 1}} {{eq \"a\" \"b\"}}", "true true false"],
  ["ordering", '{{lt 1 2}} {{lt 1.5 2.5}} {{lt "a" "b"}} {{ge 2 2}} {{le 3 2}} {{ne "a" "b"}}', "true true true true false true"],
  ["eq with no value is false", "{{eq .MSS.nope \"\"}}", "false"],
  ["and/or return an operand", '{{and 1 0 "x"}} {{or 0 "" "x"}} {{and 1 "y"}} {{or 0 false}}', "0 x y false"],
  ["and short-circuits", "{{and 0 (index .SI 10)}}", "0"],
  ["not", "{{not 0}} {{not .S}}", "true false"],
  ["len", '{{len .SI}} {{len .MSI}} {{len "héllo"}}', "3 3 6"],
  ["index", '{{index .SI 1}} {{index .MSI "two"}} {{index .MSI "nope"}}', "4 2 0"],
  ["index of a string is a byte", '{{index "abc" 1}}', "98"],
  ["slice", '{{slice .SI 1 2}} {{slice "abcdef" 1 3}} {{slice .SI 1}}', "[4] bc [4 5]"],
  ["html", `{{html "<a href='x'>&\\"</a>"}}`, "&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;"],
  ["html of no value", "{{html .MSS.nope}}", "&lt;no value&gt;"],
  ["js", '{{js "a\'b\\"c<d>=&\\n"}}', "a\\'b\\\"c\\u003Cd\\u003E\\u003D\\u0026\\u000A"],
  ["urlquery", '{{urlquery "a b/c"}}', "a+b%2Fc"],
  ["define and template", '{{define "T"}}[{{.}}]{{end}}{{template "T" 5}}', "[5]"],
  ["block", '{{block "B" .S}}<{{.}}>{{end}}', "<xyz>"],
  ["template without data", '{{define "T"}}{{.}}{{end}}{{template "T"}}', "<no value>"],
  ["parenthesised pipeline with field", "{{(.MSI).two}}", "2"],
  ["missingkey=zero on map[string]int", "{{.MSI.nope}}", "0"],
];

const printfs: [format: string, args: string, want: string][] = [
  ["%d %s %v", '42 "s" 1.5', "42 s 1.5"],
  ["%5.2f|%-5s|%05d", '3.14159 "ab" -42', " 3.14|ab   |-0042"],
  ["%x %X %#x %o %b %c %q %U", "255 255 255 8 5 65 65 65", "ff FF 0xff 10 101 A 'A' U+0041"],
  ["%q %t %%", '"q\\"" true', '"q\\"" true %'],
  ["%e %g %g %g", "1234.5678 0.00001 100000.0 1000000.0", "1.234568e+03 1e-05 100000 1e+06"],
  ["%v %v %v", "0.1 1e21 123456789.0", "0.1 1e+21 1.23456789e+08"],
  ["%.0f %.0f %.2f %.1f", "0.5 1.5 0.125 0.05", "0 2 0.12 0.1"],
  ["%.3e|%8.3e", "1234.5 1234.5", "1.234e+03|1.234e+03"],
  ["%.3g %#.3g %6.2v", "2.0 2.0 3.14159", "2 2.00    3.1"],
  ["%+d % d %+.1f", "5 5 2.0", "+5  5 +2.0"],
  ["%05.1f %05.1f", "-2.5 2.5", "-02.5 002.5"],
  ["%6.2f%%", "12.3456", " 12.35%"],
  ["%.3s|%5.1s|", '"abcdef" "xyz"', "abc|    x|"],
  ["%x %X % x", '"hi" "hi" "hi"', "6869 6869 68 69"],
  ["%x %x", "1.0 0.5", "0x1p+00 0x1p-01"],
  ["%T %T %T %T", '1.5 1 "s" true', "float64 int string bool"],
  ["%*d|%-*d|", "5 1 3 2", "    1|2  |"],
  ["%[2]d %[1]d", "1 2", "2 1"],
  ["%d", "1.5", "%!d(float64=1.5)"],
  ["%s", "1", "%!s(int=1)"],
  ["%d", "", "%!d(MISSING)"],
  ["%d", "1 2", "1%!(EXTRA int=2)"],
  ["%z", "1", "%!z(int=1)"],
  ["%", "", "%!(NOVERB)"],
  ["%s %v", "nil nil", "%!s(<nil>) <nil>"],
  ["%v|%8.3f|%-8v|%+v|%08.1f", ".Inf .NaN .Inf .NaN .Inf", "+Inf|     NaN|+Inf    |NaN|    +Inf"], // %+v moves + to plusV: no sign,
  ["%08.3f", "-1.5", "-001.500"],
];

const parseErrors: Row[] = [
  ["missing if value", "{{if}}{{end}}", "template: t:1: missing value for if"],
  ["stray end", "{{end}}", "template: t:1: unexpected {{end}}"],
  ["unterminated if", "{{if .B}}", "template: t:1: unexpected EOF"],
  ["literal in later pipeline stage", "{{.B | 1}}", "template: t:1: non executable command in pipeline stage 2"],
  ["unknown function", "{{nofunc}}", 'template: t:1: function "nofunc" not defined'],
  ["undefined variable", "{{$nope}}", 'template: t:1: undefined variable "$nope"'],
  ["range variables are scoped", "{{range $i, $e := .SI}}{{end}}{{$i}}", 'template: t:1: undefined variable "$i"'],
  ["defined templates don't see variables", '{{$x := 1}}{{define "T"}}{{$x}}{{end}}', 'template: t:1: undefined variable "$x"'],
  ["break outside range", "{{break}}", "template: t:1: {{break}} outside {{range}}"],
  ["unterminated string", '{{"abc}}', "template: t:1: unterminated quoted string"],
  ["bad number", "{{3x}}", 'template: t:1: bad number syntax: "3x"'],
  ["unclosed paren", "{{(1}}", "template: t:1: unclosed left paren"],
  ["unexpected right paren", "{{)}}", "template: t:1: unexpected right paren U+0029 ')'"],
  ["redefinition", '{{define "a"}}a{{end}}{{define "a"}}b{{end}}', 'template: t:1: template: multiple definition of template "a"'],
  ["unclosed comment", "{{/* x }}", "template: t:1: unclosed comment"],
  ["double else", "line1\n{{if .B}}\n{{else}}\n{{else}}{{end}}", "template: t:4: expected end; found {{else}}"],
  ["too many range variables", "{{range $i, $e, $f := .SI}}{{end}}", "template: t:1: too many declarations in range"],
  ["unclosed action across lines", "{{\n.B", "template: t:2: unclosed action started at t:1"],
  ["field on a literal", "{{1.X}}", 'template: t:1: bad number syntax: "1.X"'],
  ["field on a string", '{{"a".X}}', 'template: t:1: unexpected . after term "\\"a\\""'],
  ["unexpected token", "{{.I :}}", 'template: t:1: expected :='],
];

const execErrors: Row[] = [
  ["field of a string", "{{.S.X}}", 'template: t:1:4: executing "t" at <.S.X>: can\'t evaluate field X in type string'],
  ["unknown struct field", "{{.Nope}}", 'template: t:1:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type main.T'],
  ["index out of range", "{{index .SI 5}}", 'template: t:1:2: executing "t" at <index .SI 5>: error calling index: index out of range: 5'],
  ["index at len", "{{index .SI 3}}", 'template: t:1:2: executing "t" at <index .SI 3>: error calling index: reflect: slice index out of range'],
  ["bad slice", "{{slice .SI 2 1}}", 'template: t:1:2: executing "t" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1'],
  ["len of int", "{{len 3}}", 'template: t:1:2: executing "t" at <len 3>: error calling len: len of type int'],
  ["float vs int literal", "{{gt 1.5 1}}", 'template: t:1:2: executing "t" at <gt 1.5 1>: error calling gt: incompatible types for comparison: float64 and int'],
  ["bools don't order", "{{lt true false}}", 'template: t:1:2: executing "t" at <lt true false>: error calling lt: invalid type for comparison'],
  ["maps don't compare", "{{eq .MSI .MSI}}", 'template: t:1:2: executing "t" at <eq .MSI .MSI>: error calling eq: non-comparable type map[one:1 three:3 two:2]: map[string]int'],
  ["printf needs a string format", "{{printf 1}}", 'template: t:1:9: executing "t" at <1>: expected string; found 1'],
  ["wrong arg count", "{{len}}", 'template: t:1:2: executing "t" at <len>: wrong number of args for len: want 1 got 0'],
  ["argument to a literal", '{{"a" "b"}}', 'template: t:1:2: executing "t" at <"a">: can\'t give argument to non-function "a"'],
  ["nil command", "{{nil}}", 'template: t:1:2: executing "t" at <nil>: nil is not a command'],
  ["range over float", "{{range 1.5}}{{end}}", 'template: t:1:8: executing "t" at <1.5>: range can\'t iterate over 1.5'],
  ["range over int with two variables", "{{range $i, $e := 3}}{{end}}", 'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one variable'],
  ["undefined template", '{{template "nope"}}', 'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined'],
  ["error inside a defined template", '{{define "T"}}{{.Nope}}{{end}}{{template "T" .}}', 'template: t:1:16: executing "T" at <.Nope>: can\'t evaluate field Nope in type main.T'],
  ["columns count bytes", "é{{.Nope}}", 'template: t:1:4: executing "t" at <.Nope>: can\'t evaluate field Nope in type main.T'],
  ["columns restart on each line", "a\n{{.Nope}}", 'template: t:2:2: executing "t" at <.Nope>: can\'t evaluate field Nope in type main.T'],
  ["map key with arguments", "{{.MSS.a 1}}", 'template: t:1:6: executing "t" at <.MSS.a>: a is not a method but has arguments'],
];

describe("Go text/template", () => {
  for (const [name, text, want] of outputs) {
    it(name, async () => {
      const missingKey = name.startsWith("missingkey=zero") ? "zero" : "invalid";
      expect(await exec(text, missingKey)).toEqual({ out: want });
    });
  }

  it("missingkey=error", async () => {
    // Go positions a field chain at its second field.
    expect(await exec("{{.MSS.nope}}", "error")).toEqual({
      err: 'template: t:1:6: executing "t" at <.MSS.nope>: map has no entry for key "nope"',
    });
  });

  for (const [format, args, want] of printfs) {
    it(`printf ${JSON.stringify(format)} ${args}`, async () => {
      expect(await exec(`{{printf ${JSON.stringify(format)} ${args}}}`)).toEqual({ out: want });
    });
  }

  for (const [name, text, want] of parseErrors) {
    it(`parse error: ${name}`, async () => {
      expect(await exec(text)).toEqual({ err: want });
    });
  }

  for (const [name, text, want] of execErrors) {
    it(`exec error: ${name}`, async () => {
      expect(await exec(text)).toEqual({ err: want });
    });
  }
});
