"""Stop-word lists of our own for the main feedback languages.

NLTK's lists need a corpus download, which is impossible offline, so these are written here: the
function words (articles, pronouns, auxiliaries, prepositions, conjunctions, common adverbs) of each
language, lower-case, apostrophes as U+0027. Product words ("app", "update") are not stop words:
they are what themes are made of.
"""
from __future__ import annotations

_RAW: dict[str, str] = {
    "en": """
        a about above after again against all am an and any are aren't as at be because been before
        being below between both but by can can't cannot could couldn't did didn't do does doesn't
        doing don't down during each few for from further had hadn't has hasn't have haven't having he
        he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if
        in into is isn't it it's its itself just let's me more most mustn't my myself no nor not of off
        on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
        should shouldn't so some such than that that's the their theirs them themselves then there
        there's these they they'd they'll they're they've this those through to too under until up
        very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
        which while who who's whom why why's will with won't would wouldn't you you'd you'll you're
        you've your yours yourself yourselves also get got im ive dont cant its really even still
        much would many one way us
    """,
    "de": """
        aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
        auch auf aus bei bin bis bist da damit dann das dass dein deine dem den denn der des dich die
        dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines
        er es etwas euch euer eure für gegen gewesen hab habe haben hat hatte hätte ich ihm ihn ihnen
        ihr ihre im in indem ins ist jede jedem jeden jeder jedes jetzt kann kein keine keinem keinen
        keiner man manche mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder
        ohne schon sehr sein seine sich sie sind so sollte sondern sonst über um und uns unser unter
        viel vom von vor war waren warum was weil welche wenn wer werde werden wie wieder will wir
        wird wirklich wo wurde würde zu zum zur zwar zwischen
    """,
    "fr": """
        à ai aie alors as au aucun aussi autre aux avec avez avoir avons ça car ce ceci cela celle
        celui ces cet cette ceux chaque ci comme comment dans de des donc dont du elle elles en encore
        es est et étaient était été être eu eux fait faire fois font ici il ils je jamais la le les
        leur leurs lui ma mais me même mes moi mon ne ni nos notre nous on ont ou où par pas peu peut
        plus pour pourquoi quand que quel quelle qui sa sans se ses si son sont sous suis sur ta te
        tes toi ton tous tout toute toutes très tu un une vos votre vous y
    """,
    "es": """
        a al algo algunas algunos ante antes así aunque cada como con contra cual cuando de del desde
        donde dos el él ella ellas ellos en entre era eran es esa esas ese eso esos esta está están
        estas este esto estos estoy fue fueron ha han hasta hay la las le les lo los más me mi mis
        mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque que qué quien se
        sea ser si sí sido sin sobre son su sus también tan tanto te tengo tiene tienen todo todos tu
        tus un una uno unos usted ya yo
    """,
    "pt": """
        a ao aos aquela aquele aquilo as até com como da das de dela dele depois do dos e é ela elas
        ele eles em entre era essa esse esta está estão estava eu foi for foram há isso isto já la lhe
        mais mas me mesmo meu minha muito muita na não nas nem no nos nós num numa o os ou para pela
        pelo por porque quando que quem se sem ser seu sua são só também te tem têm tenho ter teu tu
        um uma você vocês vai vou
    """,
    "it": """
        a ad al alla alle anche ancora avere che chi ci come con così da dal dalla dei del della
        delle di dove e è ed era essere gli ha hanno ho i il in io la le lei lo loro lui ma mi mio
        molto ne nei nel nella noi non o per perché più poco quando quella quello questa questo se
        sei si sia siamo sono su sua suo sul sulla ti tra tu tutto tutti un una uno voi
    """,
    "nl": """
        aan al alles als ben bij dan dat de der deze die dit doch doen door dus een en er ge geen
        geweest had heb hebben heeft hem het hier hij hoe hun ik in is ja je kan kon maar me meer men
        met mij mijn moet na naar niet niets nog nu of om omdat ons ook op over te tegen toch toen tot
        u uit van veel voor want waren was wat we wel werd wie wij wil worden zal ze zelf zich zij
        zijn zo zou
    """,
}

STOP_WORDS: dict[str, frozenset[str]] = {lang: frozenset(raw.split()) for lang, raw in _RAW.items()}

LANGUAGES: tuple[str, ...] = tuple(STOP_WORDS)


def _distinctive() -> dict[str, str]:
    """Stop word -> its language, for words that belong to exactly one list (votes in detection)."""
    owners: dict[str, set[str]] = {}
    for lang, words in STOP_WORDS.items():
        for w in words:
            owners.setdefault(w, set()).add(lang)
    return {w: next(iter(langs)) for w, langs in owners.items() if len(langs) == 1}


DISTINCTIVE: dict[str, str] = _distinctive()


def stop_words(lang: str | None) -> frozenset[str]:
    """The stop words of a language; the union of all lists when the language is unknown."""
    if lang in STOP_WORDS:
        return STOP_WORDS[lang]
    return ALL_STOP_WORDS


ALL_STOP_WORDS: frozenset[str] = frozenset().union(*STOP_WORDS.values())
