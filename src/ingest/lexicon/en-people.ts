/**
 * English word lists for people, titles and organisations. Matched on lower-cased
 * tokens or lemmas; data, not logic, so that other languages supply their own.
 */

/** Honorifics that precede a surname ("Ms Le Pen", "Mr. Essid"). */
export const HONORIFICS: ReadonlySet<string> = new Set([
  'mr', 'mr.', 'mrs', 'mrs.', 'ms', 'ms.', 'miss', 'dr', 'dr.', 'prof', 'prof.', 'sir', 'dame', 'lord', 'lady',
  'sheikh', 'imam', 'rev', 'rev.', 'father', 'mme', 'mme.', 'm.', 'gen', 'gen.', 'col', 'col.', 'capt', 'capt.', 'lt', 'lt.',
  'maj', 'maj.', 'sgt', 'sgt.', 'sen', 'sen.', 'rep', 'rep.', 'gov', 'gov.',
]);

/** Head nouns of roles and titles ("president", "chief", "spokesman"). */
export const ROLE_HEADS: ReadonlySet<string> = new Set([
  'president', 'vice-president', 'premier', 'minister', 'chancellor', 'king', 'queen', 'prince', 'princess', 'emir', 'sultan',
  'monarch', 'leader', 'head', 'chief', 'chairman', 'chairwoman', 'chair', 'director', 'secretary', 'secretary-general',
  'commander', 'general', 'colonel', 'major', 'captain', 'lieutenant', 'sergeant', 'officer', 'official', 'governor', 'mayor',
  'spokesman', 'spokeswoman', 'spokesperson', 'candidate', 'analyst', 'expert', 'researcher', 'scholar', 'professor',
  'ambassador', 'envoy', 'diplomat', 'prosecutor', 'judge', 'magistrate', 'lawyer', 'attorney', 'senator', 'lawmaker', 'deputy',
  'mp', 'politician', 'founder', 'co-founder', 'editor', 'correspondent', 'reporter', 'journalist', 'cleric', 'imam', 'bishop',
  'pope', 'patriarch', 'mufti', 'strongman', 'warlord', 'militant', 'commissioner', 'inspector', 'superintendent', 'adviser',
  'advisor', 'aide', 'representative', 'coordinator', 'administrator', 'ruler', 'dictator', 'emperor', 'speaker', 'member',
  'student', 'ceo', 'executive', 'manager', 'owner', 'activist', 'campaigner', 'survivor', 'witness', 'resident', 'gunman',
  'attacker', 'bomber', 'suspect', 'assailant', 'citizen', 'national', 'singer', 'actor', 'writer', 'author', 'counterpart',
]);

/** Role heads that do not describe a lasting role worth recording on a person. */
export const TRANSIENT_ROLES: ReadonlySet<string> = new Set([
  'gunman', 'attacker', 'bomber', 'suspect', 'assailant', 'citizen', 'national', 'resident', 'witness', 'survivor', 'member', 'counterpart',
]);

/** Words that, capitalised, head an organisation's name. */
export const ORG_HEADS: ReadonlySet<string> = new Set([
  'group', 'party', 'guard', 'guards', 'ministry', 'department', 'army', 'police', 'agency', 'council', 'committee', 'office',
  'service', 'services', 'force', 'forces', 'front', 'brigade', 'brigades', 'battalion', 'movement', 'organisation',
  'organization', 'institute', 'university', 'college', 'bank', 'company', 'corporation', 'corp', 'inc', 'ltd', 'court',
  'parliament', 'government', 'union', 'association', 'times', 'post', 'news', 'network', 'press', 'broadcaster', 'broadcasting',
  'radio', 'television', 'tv', 'telegraph', 'guardian', 'herald', 'tribune', 'journal', 'gazette', 'wire', 'courant', 'observer',
  'channel', 'bureau', 'commission', 'assembly', 'senate', 'congress', 'navy', 'directorate', 'authority', 'centre', 'center',
  'foundation', 'federation', 'alliance', 'coalition', 'league', 'command', 'unit', 'squad', 'regiment', 'division', 'cabinet',
  'kremlin', 'pentagon', 'interpol', 'europol', 'nato', 'un', 'eu', 'fbi', 'cia', 'fsb', 'mi5', 'mi6', 'dgsi', 'bbc', 'cnn',
  'reuters', 'afp', 'ap', 'tass', 'interfax', 'ria', 'welle', 'sputnik', 'aljazeera', 'jazeera', 'intelligence', 'school', 'hospital',
]);

/** Words that, capitalised at the start of a sentence, are not names. */
export const CAPITALISED_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the', 'a', 'an', 'in', 'on', 'at', 'after', 'before', 'during', 'according', 'shortly', 'for', 'it', 'its', 'this', 'that',
  'these', 'those', 'there', 'he', 'she', 'they', 'we', 'i', 'you', 'his', 'her', 'their', 'our', 'my', 'but', 'and', 'or',
  'as', 'when', 'while', 'if', 'since', 'although', 'though', 'today', 'yesterday', 'tomorrow', 'meanwhile', 'however',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march', 'april', 'may',
  'june', 'july', 'august', 'september', 'october', 'november', 'december', 'officials', 'police', 'some', 'many', 'most',
  'several', 'both', 'all', 'no', 'not', 'by', 'from', 'with', 'without', 'under', 'over', 'last', 'next', 'early', 'late',
  'later', 'earlier', 'then', 'now', 'so', 'also', 'still', 'yet', 'one', 'two', 'three', 'witnesses', 'security', 'local',
]);

/** Verbs of saying (lemmas), for quotes, reported speech and credited sources. */
export const SPEECH_VERBS: ReadonlySet<string> = new Set([
  'say', 'tell', 'add', 'agree', 'insist', 'state', 'declare', 'announce', 'claim', 'write', 'warn', 'urge', 'note', 'report',
  'explain', 'argue', 'stress', 'confirm', 'deny', 'reply', 'respond', 'ask', 'recall', 'describe', 'vow',
  'promise', 'pledge', 'praise', 'condemn', 'accuse', 'admit', 'acknowledge', 'suggest', 'indicate', 'conclude',
  'tweet', 'quote', 'cite', 'comment', 'remark', 'observe', 'emphasise', 'emphasize', 'assert', 'maintain',
  'told', 'said', 'says',
]);

/** Nouns for sources whose statements the text credits ("a ministry spokesman said"). */
export const SOURCE_NOUNS: ReadonlySet<string> = new Set([
  'ministry', 'spokesman', 'spokeswoman', 'spokesperson', 'official', 'officials', 'police', 'army', 'military', 'authorities',
  'government', 'prosecutor', 'prosecutors', 'witness', 'witnesses', 'agency', 'media', 'broadcaster', 'statement', 'transcript',
  'report', 'sources', 'source', 'investigators', 'hospital', 'doctors', 'residents', 'survivors', 'officer', 'officers',
]);

/** Nouns (by lemma) that describe an unnamed speaker ("a hotel employee said"). */
export const SPEAKER_NOUNS: ReadonlySet<string> = new Set([
  'employee', 'waiter', 'man', 'woman', 'worker', 'driver', 'guest', 'teacher', 'doctor', 'nurse', 'eyewitness', 'passer-by',
  'tourist', 'shopkeeper', 'neighbour', 'neighbor', 'relative', 'friend', 'father', 'mother', 'brother', 'sister', 'son', 'daughter',
  'owner', 'vendor', 'guard', 'soldier', 'policeman', 'commander', 'agency', 'group', 'ministry', 'government', 'army', 'police',
]);
