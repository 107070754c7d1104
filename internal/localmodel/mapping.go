package localmodel

// This file is the one place where labels of the training data meet the
// taxonomy: every public dataset and every field of the project's own corpus
// is mapped here, row by row, to a head and a class of that head. Training
// reads nothing else to decide what a text teaches; a (source, label) pair
// with no row is not used. How the heads become taxonomy fields is in
// classify.go.

// Public datasets, read from the data directory at training time.
const (
	srcIrony      = "tweeteval/irony"     // SemEval-2018 irony: non_irony, irony
	srcOffensive  = "tweeteval/offensive" // OLID: not-offensive, offensive
	srcHate       = "tweeteval/hate"      // HatEval: not-hate, hate
	srcEmotion    = "tweeteval/emotion"   // anger, joy, optimism, sadness
	srcSentiment  = "tweeteval/sentiment" // negative, neutral, positive (val only)
	srcISarcasm   = "isarcasmeval"        // author-labelled sarcasm: sarcastic, not_sarcastic
	srcComplaints = "complaints"          // tweets to customer service: complaint, not_complaint
	srcSMS        = "smsspam"             // UCI SMS: spam, ham
	srcDavidson   = "davidson"            // hate, offensive, neither
	srcBanking    = "banking77"           // 77 bank customer-request intents
)

// The project's own corpus (corpus/*.jsonl): one source per labelled field,
// the label being the field's value.
const (
	ownPrefix       = "corpus/"
	srcOwnIntent    = "corpus/intent"
	srcOwnRisk      = "corpus/risk"
	srcOwnTopic     = "corpus/topic"
	srcOwnSentiment = "corpus/sentiment"
	srcOwnSarcasm   = "corpus/sarcasm" // "true" or "false"
)

// Heads: one linear model each, over the same features.
const (
	headSpam      = "spam"      // spam or scam vs anything else; the cascade's spam score
	headComplaint = "complaint" // the author reports a problem or grievance
	headAbuse     = "abuse"     // offensive, insulting or profane language
	headHate      = "hate"      // hate speech against a group
	headIrony     = "irony"     // sarcasm / verbal irony
	headSentiment = "sentiment" // negative, neutral, positive
	headIntent    = "intent"    // the five taxonomy intents
	headRisk      = "risk"      // the ten taxonomy risks
	headTopic     = "topic"     // the default taxonomy topics
)

// Special labels and classes of the table.
const (
	anyLabel            = "*"                // matches every label of a source
	labelNeutralRequest = "@neutral_request" // a Banking77 intent listed in neutralBanking
	classSame           = "="                // the class is the label itself
	classBankingTopic   = "=banking"         // the class is bankingTopics[label]
)

// ownWeight is the sample weight of the project's own examples: they are
// few, written in the channels and languages Triage serves, and carry the
// only signal for several classes.
const ownWeight = 3

// evalOnlySources are measured on but never trained on; their held-out 20%
// still shows how the heads transfer.
//
// Davidson's labels are known to mark African-American English as
// offensive far more often than other dialects (Sap et al., ACL 2019), and
// adding it lowered both the hate head's 5-fold cross-validated macro-F1 on
// HatEval train (0.79 to 0.74-0.78) and the abuse and hate heads on their
// val splits (offensive 0.73 to 0.69-0.72, hate 0.74 to 0.69).
//
// iSarcasmEval is trained on although it lowers the irony head's
// cross-validated macro-F1 on SemEval-2018 train (0.639 to 0.620): it
// raises it on the SemEval val split (F1 of the ironic class 0.60 to
// 0.63-0.66), a different sample than train, and author-labelled sarcasm
// is closer to what Triage sees than annotated irony. Which sets to train
// on is the only choice val was used for.
var evalOnlySources = []string{srcDavidson}

// mapRow sends the texts of one source with one label to one class of one
// head. Limit, when set, keeps at most that many of them (a deterministic
// hash-ordered choice) so a large public set does not drown the project's
// few hundred own examples.
type mapRow struct {
	source, label string
	head, class   string
	limit         int
}

// mapping is the whole table. Evaluation uses the same rows on the val split
// or the held-out 20% (limits do not apply there).
var mapping = []mapRow{
	// Spam: SMS spam is the only public spam. Ham SMS, customer-service
	// tweets and bank requests are all "not spam", so the head does not learn
	// that any message about money or a phone number is spam.
	{srcSMS, "spam", headSpam, "spam", 0},
	{srcSMS, "ham", headSpam, "ham", 0},
	{srcComplaints, anyLabel, headSpam, "ham", 0},
	{srcBanking, anyLabel, headSpam, "ham", 1500},
	{srcOwnRisk, "spam", headSpam, "spam", 0},
	{srcOwnRisk, "scam", headSpam, "spam", 0},
	{srcOwnRisk, anyLabel, headSpam, "ham", 0}, // any other risk, "none" included

	// Complaint: the complaints set as is.
	{srcComplaints, "complaint", headComplaint, "complaint", 0},
	{srcComplaints, "not_complaint", headComplaint, "not_complaint", 0},

	// Abuse: OLID offensive (insults, threats, profanity); own examples
	// labelled abuse or threat are offensive too. Davidson's "hate" and
	// "offensive" classes are both offensive language; it is only measured
	// on (see evalOnlySources).
	{srcOffensive, "offensive", headAbuse, "offensive", 0},
	{srcOffensive, "not-offensive", headAbuse, "not_offensive", 0},
	{srcDavidson, "hate", headAbuse, "offensive", 0},
	{srcDavidson, "offensive", headAbuse, "offensive", 0},
	{srcDavidson, "neither", headAbuse, "not_offensive", 0},
	{srcOwnRisk, "abuse", headAbuse, "offensive", 0},
	{srcOwnRisk, "threat", headAbuse, "offensive", 0},
	{srcOwnRisk, "none", headAbuse, "not_offensive", 0},

	// Hate: HatEval. Davidson's "hate" class would be hate and its merely
	// offensive tweets hard negatives; it is only measured on.
	{srcHate, "hate", headHate, "hate", 0},
	{srcHate, "not-hate", headHate, "not_hate", 0},
	{srcDavidson, "hate", headHate, "hate", 0},
	{srcDavidson, "offensive", headHate, "not_hate", 0},
	{srcDavidson, "neither", headHate, "not_hate", 0},

	// Irony: SemEval-2018 irony plus iSarcasmEval (sarcasm labelled by the
	// authors themselves, see evalOnlySources) plus own examples.
	{srcIrony, "irony", headIrony, "irony", 0},
	{srcIrony, "non_irony", headIrony, "non_irony", 0},
	{srcISarcasm, "sarcastic", headIrony, "irony", 0},
	{srcISarcasm, "not_sarcastic", headIrony, "non_irony", 0},
	{srcOwnSarcasm, "true", headIrony, "irony", 0},
	{srcOwnSarcasm, "false", headIrony, "non_irony", 0},

	// Sentiment: TweetEval sentiment has no train split, so it is only
	// measured on. Emotion gives the polar classes (anger and sadness are
	// negative; joy and optimism positive). A complaint is by definition a
	// negative mismatch between expectation and reality, so complaints are
	// negative. Neutral has no clean public source; it comes from three
	// different ones so that no single style is learnt as "neutral": bank
	// requests that only ask how something works (see neutralBanking),
	// tweets to customer service that are not complaints (mostly questions
	// and requests, some thanks), SMS ham (mostly logistics chatter, some
	// affection), and the own corpus. The last two are noisy.
	{srcEmotion, "anger", headSentiment, "negative", 0},
	{srcEmotion, "sadness", headSentiment, "negative", 0},
	{srcEmotion, "joy", headSentiment, "positive", 0},
	{srcEmotion, "optimism", headSentiment, "positive", 0},
	{srcSentiment, "negative", headSentiment, "negative", 0},
	{srcSentiment, "neutral", headSentiment, "neutral", 0},
	{srcSentiment, "positive", headSentiment, "positive", 0},
	{srcComplaints, "complaint", headSentiment, "negative", 0},
	{srcBanking, labelNeutralRequest, headSentiment, "neutral", 800},
	{srcComplaints, "not_complaint", headSentiment, "neutral", 0},
	{srcSMS, "ham", headSentiment, "neutral", 800},
	{srcOwnSentiment, "negative", headSentiment, "negative", 0},
	{srcOwnSentiment, "neutral", headSentiment, "neutral", 0},
	{srcOwnSentiment, "positive", headSentiment, "positive", 0},

	// Intent: complaints and bank requests ask the team for help (support
	// issues); SMS, spam or not, is not addressed to the team (noise).
	// Product feedback, risk signals and engagement only come from the own
	// corpus.
	{srcComplaints, "complaint", headIntent, "support_issue", 300},
	{srcBanking, anyLabel, headIntent, "support_issue", 300},
	{srcSMS, "spam", headIntent, "noise", 200},
	{srcSMS, "ham", headIntent, "noise", 200},
	{srcOwnIntent, "support_issue", headIntent, "support_issue", 0},
	{srcOwnIntent, "product_feedback", headIntent, "product_feedback", 0},
	{srcOwnIntent, "risk_signal", headIntent, "risk_signal", 0},
	{srcOwnIntent, "engagement", headIntent, "engagement", 0},
	{srcOwnIntent, "noise", headIntent, "noise", 0},

	// Risk: public sets give none, spam and abuse; every other risk comes
	// from the own corpus only. Sad tweets are left out of "none": with no
	// public self-harm data they would teach that despair is no risk.
	{srcSMS, "spam", headRisk, "spam", 300},
	{srcSMS, "ham", headRisk, "none", 300},
	{srcComplaints, anyLabel, headRisk, "none", 300},
	{srcBanking, anyLabel, headRisk, "none", 300},
	{srcEmotion, "joy", headRisk, "none", 150},
	{srcEmotion, "optimism", headRisk, "none", 150},
	{srcEmotion, "anger", headRisk, "none", 150},
	{srcDavidson, "hate", headRisk, "abuse", 150},
	{srcDavidson, "offensive", headRisk, "abuse", 150},
	{srcOffensive, "offensive", headRisk, "abuse", 300},
	{srcOffensive, "not-offensive", headRisk, "none", 300},
	{srcOwnRisk, anyLabel, headRisk, classSame, 0},

	// Topic: bank requests by topic (see bankingTopics) plus the own corpus.
	{srcBanking, anyLabel, headTopic, classBankingTopic, 0},
	{srcOwnTopic, anyLabel, headTopic, classSame, 0},
}

// bankingTopics maps each Banking77 intent to a default topic. Requests
// about being charged, refunds and money that moved wrongly are billing;
// obtaining, activating and verifying cards and identity is account;
// unrecognised payments, lost cards and compromise are security; delivery
// of a card is shipping; a card or transfer that fails or is declined is a
// bug; the price of exchange is pricing; questions about what is supported
// are other. Intents absent here are not used for the topic head.
var bankingTopics = map[string]string{
	"card_arrival": "shipping", "card_delivery_estimate": "shipping",

	"activate_my_card": "account", "age_limit": "account", "change_pin": "account",
	"edit_personal_details": "account", "get_physical_card": "account", "getting_spare_card": "account",
	"getting_virtual_card": "account", "get_disposable_virtual_card": "account", "order_physical_card": "account",
	"passcode_forgotten": "account", "pin_blocked": "account", "terminate_account": "account",
	"unable_to_verify_identity": "account", "verify_my_identity": "account", "why_verify_identity": "account",
	"card_about_to_expire": "account", "card_linking": "account", "verify_source_of_funds": "account",

	"extra_charge_on_statement": "billing", "card_payment_fee_charged": "billing", "transaction_charged_twice": "billing",
	"request_refund": "billing", "Refund_not_showing_up": "billing", "cash_withdrawal_charge": "billing",
	"transfer_fee_charged": "billing", "top_up_by_card_charge": "billing", "top_up_by_bank_transfer_charge": "billing",
	"exchange_charge": "billing", "card_payment_wrong_exchange_rate": "billing", "wrong_exchange_rate_for_cash_withdrawal": "billing",
	"wrong_amount_of_cash_received": "billing", "balance_not_updated_after_bank_transfer": "billing",
	"balance_not_updated_after_cheque_or_cash_deposit": "billing", "pending_card_payment": "billing",
	"pending_top_up": "billing", "pending_transfer": "billing", "reverted_card_payment?": "billing",
	"pending_cash_withdrawal": "billing", "automatic_top_up": "billing", "topping_up_by_card": "billing",
	"top_up_by_cash_or_cheque": "billing", "transfer_timing": "billing", "transfer_into_account": "billing",
	"verify_top_up":                      "billing",
	"transfer_not_received_by_recipient": "billing", "cancel_transfer": "billing",

	"compromised_card": "security", "lost_or_stolen_card": "security", "lost_or_stolen_phone": "security",
	"card_payment_not_recognised": "security", "cash_withdrawal_not_recognised": "security",
	"direct_debit_payment_not_recognised": "security",

	"card_not_working": "bug", "contactless_not_working": "bug", "virtual_card_not_working": "bug",
	"top_up_failed": "bug", "failed_transfer": "bug", "declined_card_payment": "bug",
	"declined_cash_withdrawal": "bug", "declined_transfer": "bug", "top_up_reverted": "bug",
	"beneficiary_not_allowed": "bug",

	"exchange_rate": "pricing", "disposable_card_limits": "pricing", "top_up_limits": "pricing",

	"atm_support": "other", "card_acceptance": "other", "country_support": "other",
	"fiat_currency_support": "other", "supported_cards_and_currencies": "other", "visa_or_mastercard": "other",
	"apple_pay_or_google_pay": "other", "receiving_money": "other", "exchange_via_app": "other",
	"card_swallowed": "other",
}

// neutralBanking lists the Banking77 intents that only ask how something
// works, with no problem reported: their texts are the public neutral
// examples of the sentiment head.
var neutralBanking = []string{
	"exchange_rate", "supported_cards_and_currencies", "country_support", "visa_or_mastercard",
	"age_limit", "top_up_limits", "getting_virtual_card", "order_physical_card", "change_pin",
	"edit_personal_details", "apple_pay_or_google_pay", "fiat_currency_support", "automatic_top_up",
	"receiving_money", "get_physical_card", "getting_spare_card", "disposable_card_limits",
	"card_delivery_estimate", "why_verify_identity", "verify_my_identity", "activate_my_card",
	"exchange_via_app", "top_up_by_cash_or_cheque", "transfer_timing", "card_about_to_expire",
	"topping_up_by_card", "get_disposable_virtual_card", "atm_support", "card_acceptance",
}
