package localmodel

import "strings"

// Keyword rules cover what no training data labels: topic words outside
// banking, urgency and severity. Each entry is matched as a substring of
// the lower-cased text ("_" stands for a word boundary: "_down_" matches the
// word "down" only), in the languages of the corpus.
// They are deliberately short lists of unambiguous phrases. Punctuation in
// a phrase never matches: texts are matched after [lowerPadded].

// topicKeywords lists, per default topic, phrases that name it.
var topicKeywords = map[string][]string{
	"account": {"_login_", "log in", "sign in", "password", "_account_", "2fa", "verification code", "locked out",
		"contraseña", "cuenta", "iniciar sesión", "mot de passe", "compte", "connecter", "passwort", "konto", "anmelden", "senha", "_conta_", "login"},
	"billing": {"charged", "refund", "invoice", "_billing_", "subscription", "payment", "_receipt",
		"cobraron", "cobro", "factura", "reembolso", "débité", "rembours", "facture", "abgebucht", "rechnung", "erstatt", "cobrado", "fatura", "estorn", "cobrança", "assinatura"},
	"bug": {"crash", "_bug_", "_error_", "broken", "not working", "doesn't work", "does not work", "stuck", "glitch", "freezes",
		"se cierra", "no funciona", "plante", "ne marche pas", "bug", "stürzt", "funktioniert nicht", "fecha sozinho", "não funciona", "travando"},
	"feature_request": {"feature request", "would love", "please add", "could you add", "can you add", "it would be great", "suggestion", "wish list", "wishlist",
		"sugerencia", "me encantaría", "ojalá", "ce serait", "suggestion", "wäre super", "wunsch", "seria ótimo", "sugestão", "sarebbe"},
	"performance": {"_slow_", "slowly", "sluggish", "lag", "latency", "loading", "takes forever", "_down_", "outage", "timeout", "_502_", "_503_", "battery",
		"lento", "lenta", "caída", "caido", "lente", "langsam", "ladezeit", "devagar"},
	"security": {"hacked", "breach", "phishing", "compromised", "stolen", "unauthorized", "leak", "malware", "suspicious login",
		"hackearon", "hackeado", "robada", "piraté", "volé", "gehackt", "gestohlen", "invadida", "roubad", "vazamento"},
	"shipping": {"shipping", "delivery", "package", "parcel", "tracking", "_shipped", "courier", "arrive",
		"envío", "pedido", "paquete", "livraison", "colis", "commande", "lieferung", "paket", "sendung", "entrega", "encomenda"},
	"pricing": {"pricing", "_price", "too expensive", "discount", "_plan_", "free tier", "per month", "per seat", "cost",
		"precio", "caro", "descuento", "prix", "cher", "réduction", "preis", "teuer", "rabatt", "preço", "caro", "desconto"},
	"community": {"meetup", "discord server", "community", "hackathon", "livestream", "game night", "welcome to", "moderator", "_mods_",
		"comunidad", "communauté", "community-treffen", "comunidade"},
	"partnership": {"partnership", "partner with", "collaborat", "sponsor", "affiliate", "reseller", "joint webinar",
		"colaboración", "partenariat", "kooperation", "parceria"},
}

// urgentWords raise urgency to high; criticalWords to critical.
var (
	urgentWords = []string{"urgent", "asap", "immediately", "right now", "_down_", "charged twice", "double charged", "can't log in", "cannot log in", "can't login", "cant login",
		"locked out", "not working", "emergency", "deadline", "urgente", "inmediato", "dos veces", "caída", "dringend", "sofort", "doppelt", "débité deux fois",
		"immédiatement", "duas vezes", "imediatamente", "no puedo iniciar", "impossible de me connecter", "nicht mehr anmelden", "não consigo entrar"}
	criticalWords = []string{"hacked", "data breach", "outage", "production down", "everything is down", "all down", "locked out of the workspace",
		"hackearon", "hackeado", "piraté", "gehackt", "invadida", "komplett down"}
)

// Severity raisers by risk.
var (
	violentWords   = []string{"kill", "bullet", "shoot", "burn", "bomb", "stab", "hurt", "weapon", "gun", "matar", "quemar", "tuer", "brûler", "töten", "umbringen", "matar", "queimar"}
	exposureWords  = []string{"journalist", "reporter", "viral", "million", "views", "press", "podcast", "article", "tiktok", "periodista", "journaliste", "jornalista", "artikel", "matéria"}
	seriousLegal   = []string{"class action", "lawsuit", "court", "_sue_", "cease and desist", "demanda", "tribunal", "plainte", "klage", "processo"}
	lightLegal     = []string{"gdpr", "ccpa", "rgpd", "dsgvo", "lgpd", "data request", "my data"}
	credentialBait = []string{"password", "contraseña", "mot de passe", "passwort", "senha", "card number", "cvv", "wallet", "btc", "bitcoin", "eth", "ethereum", "usdt", "crypto", "airdrop", "seed phrase", "gift card", "pix", "verification fee", "verify your account", "2fa code", "login details"}
)

// maxKeywordBytes bounds the part of a text the keyword rules read: what
// an item is about and how urgent it is shows in its first lines.
const maxKeywordBytes = 1024

// lowerPadded returns the start of text lower-cased, every run of
// characters other than letters, digits and apostrophes turned into one
// space, with a space at each end, for keyword matching.
func lowerPadded(text string) string {
	if len(text) > maxKeywordBytes {
		text = text[:maxKeywordBytes]
	}
	var b strings.Builder
	b.Grow(len(text) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(text) {
		if isWordRune(r) || r == '\'' || r == '’' {
			b.WriteRune(r)
			space = false
		} else if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// matchCount returns how many phrases of list occur in padded text; "_" in
// a phrase stands for a word boundary. It is the plain definition of what
// the compiled matcher computes in one pass.
func matchCount(padded string, list []string) int {
	n := 0
	for _, p := range list {
		if strings.Contains(padded, strings.ReplaceAll(p, "_", " ")) {
			n++
		}
	}
	return n
}
