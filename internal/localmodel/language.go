package localmodel

import (
	"strings"
	"unicode"

	"github.com/triage-oss/triage/internal/taxonomy"
)

// Language detection is a rule, not a trained head: no public set here
// labels languages. Text in a non-Latin script is named by its script;
// Latin text by counting words of short stopword lists written for this
// project. Text without letters is "und".

// stopwords are frequent function words per language; a word listed in
// several languages counts for each.
var stopwords = func() map[string][]string {
	lists := map[string]string{
		"en": "the and is are was were to of in on for with this that it you your my i me we not have has had be can can't don't do does did will would just but so what why how when there they at from about please thanks thank hi hello any anyone everyone",
		"es": "el la los las de del que y en un una es son por para con no se lo le mi mis tu su pero como más muy ya está están hay me te nos gracias hola por favor qué cómo cuando también todo todos esto esta este",
		"fr": "le la les de des du et est sont un une en pour pas que qui dans sur avec ne je tu il elle nous vous mon ma mes ce cette mais ou plus très merci bonjour c'est j'ai n'est toujours",
		"de": "der die das und ist sind ein eine nicht ich du er sie wir ihr mit von zu auf für den dem des im bei aber auch noch nur schon wie was wenn mein meine euer eure bitte danke hallo seit gestern",
		"pt": "o a os as de do da dos das que e em um uma é são não para com por no na nos mas como mais muito já está estão meu minha você vocês obrigado obrigada olá isso esse essa também",
		"it": "il lo la gli le di del della che e è sono un una per con non in mi ti ci ma come più molto già questo questa grazie ciao anche tutto sempre al mio mia ad dei nel sul io ho ha hanno riesco",
		"nl": "de het een en is zijn van in op voor met niet ik je jij we wij mijn maar ook nog wel dat die dit er hoe wat bedankt hallo",
	}
	m := map[string][]string{}
	for lang, words := range lists {
		for _, w := range strings.Fields(words) {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// latinLanguages is the order in which ties between Latin-script languages
// are broken: the most common in Triage's traffic first.
var latinLanguages = []string{"en", "es", "fr", "de", "pt", "it", "nl"}

// markers are letters that occur in one Latin-script language of the list
// and rarely in the others; each counts as half a stopword.
var markers = map[rune]string{
	'ñ': "es", '¿': "es", '¡': "es",
	'ç': "fr", 'è': "fr", 'ê': "fr", 'à': "fr", 'ù': "fr", 'œ': "fr",
	'ß': "de", 'ä': "de", 'ö': "de", 'ü': "de",
	'ã': "pt", 'õ': "pt",
	'ì': "it", 'ò': "it",
	'ĳ': "nl",
}

// detectLanguage returns the ISO 639-1 code of text (or "und") and a
// confidence.
func detectLanguage(text string) (string, float64) {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	if lang, conf, ok := scriptLanguage(text); ok {
		return lang, conf
	}
	scores := map[string]float64{}
	words := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), notWordRune) {
		if strings.HasPrefix(w, "http") || w == "user" {
			continue
		}
		words++
		for _, lang := range stopwords[strings.ReplaceAll(w, "’", "'")] {
			scores[lang]++
		}
	}
	for _, r := range strings.ToLower(text) {
		if lang, ok := markers[r]; ok {
			scores[lang] += 0.5
		}
	}
	return pickLatin(scores, words)
}

// pickLatin turns per-language scores into a decision. With no evidence,
// text with words is taken as English at low confidence.
func pickLatin(scores map[string]float64, words int) (string, float64) {
	if words == 0 {
		return taxonomy.LanguageUndetermined, 0.9
	}
	best, second := "", 0.0
	for _, lang := range latinLanguages {
		switch s := scores[lang]; {
		case best == "" || s > scores[best]:
			second = scores[best]
			best = lang
		case s > second:
			second = s
		}
	}
	top := scores[best]
	if top == 0 {
		return "en", 0.3
	}
	margin := (top - second) / top
	return best, clamp(0.4+0.3*margin+0.05*min(top, 6), 0.3, 0.97)
}

// scriptLanguage names the language of text written mostly in a script
// that points at one language.
func scriptLanguage(text string) (string, float64, bool) {
	counts := map[string]int{}
	letters := 0
	for _, r := range text {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		if lang := scriptOf(r); lang != "" {
			counts[lang]++
		}
	}
	if letters == 0 {
		return "", 0, false
	}
	if counts["ja"] > 0 { // kana decides between Japanese and Chinese
		counts["ja"] += counts["zh"]
		counts["zh"] = 0
	}
	if counts["uk"] > 0 { // so do Ukrainian letters between it and Russian
		counts["uk"] += counts["ru"]
		counts["ru"] = 0
	}
	for _, lang := range []string{"ru", "uk", "el", "ar", "he", "ko", "ja", "zh", "th", "hi"} {
		if counts[lang]*2 > letters {
			return lang, 0.85, true
		}
	}
	return "", 0, false
}

// scriptOf returns the language a letter's script points at, "" for Latin
// and the rest.
func scriptOf(r rune) string {
	switch {
	case r < 0x0370: // Latin, its extensions and IPA
		return ""
	case r == 'і' || r == 'ї' || r == 'є' || r == 'ґ':
		return "uk"
	case unicode.Is(unicode.Cyrillic, r):
		return "ru"
	case unicode.Is(unicode.Greek, r):
		return "el"
	case unicode.Is(unicode.Arabic, r):
		return "ar"
	case unicode.Is(unicode.Hebrew, r):
		return "he"
	case unicode.Is(unicode.Hangul, r):
		return "ko"
	case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
		return "ja"
	case unicode.Is(unicode.Han, r):
		return "zh"
	case unicode.Is(unicode.Thai, r):
		return "th"
	case unicode.Is(unicode.Devanagari, r):
		return "hi"
	}
	return ""
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }

func clamp(v, lo, hi float64) float64 { return max(lo, min(hi, v)) }
