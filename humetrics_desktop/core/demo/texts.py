"""Free texts of the demo (survey comments, reviews, posts): short sentences per language and theme.

Negative themes say negative things in plain words, so lexicon models (TextBlob, VADER) score them
below zero in English, and a reader of German, French, Spanish, Portuguese or Japanese sees the same
tone. PRICE_WORDS lists the words that mark the price theme in each language.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NEGATIVE_THEMES = ("price", "bugs", "slow", "support", "sync", "features", "outage")
POSITIVE_THEMES = ("easy", "teamwork", "design", "helpful", "value")
NEUTRAL_THEME = "neutral"
LANGUAGES = ("en", "de", "fr", "es", "pt", "ja")

PRICE_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("price", "pricing", "expensive", "subscription"),
    "de": ("preis", "teuer"),
    "fr": ("prix", "cher", "tarif"),
    "es": ("precio", "caro"),
    "pt": ("preço", "caro"),
    "ja": ("料金", "価格", "値上げ"),
}

BANK: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "price": ("The new pricing is outrageous and way too expensive for what we get.",
                  "Terrible value now, the subscription price doubled and I hate it.",
                  "Too expensive. The price increase is a bad, sad joke.",
                  "I can't justify this awful price anymore, so disappointing."),
        "bugs": ("It crashes constantly and I lose my edits. Terrible.",
                 "So buggy, the editor freezes every day. Really frustrating.",
                 "Broken again after the update, nothing works properly. Awful."),
        "slow": ("Painfully slow, documents take forever to open. Horrible.",
                 "The app is sluggish and laggy, a horrible experience.",
                 "Slow search and slow loading, very annoying."),
        "support": ("Support never answered my ticket. Awful service.",
                    "Worst customer support ever, useless and slow.",
                    "Support was rude and useless."),
        "sync": ("Sync failed and I lost a whole day of work. Unacceptable.",
                 "My documents disappeared after syncing, a terrible bug."),
        "features": ("Missing basic features, I'm disappointed and frustrated.",
                     "Still no offline mode, poor and limited."),
        "outage": ("The app failed again and nothing loads. Terrible.",
                   "Another outage today, I can't work. So frustrating.",
                   "Servers are down and I missed a deadline, awful."),
        "easy": ("Love it, so easy to use!", "Simple, clean and intuitive. Great app.",
                 "Wonderful editor, easy and fast."),
        "teamwork": ("Great for working with my team, we love sharing docs.",
                     "Collaboration is excellent, comments are super helpful."),
        "design": ("Beautiful design and a pleasure to use every day.", "Gorgeous interface, really nice work."),
        "helpful": ("Support was fantastic and solved my problem quickly.", "Amazing support team, thank you!"),
        "value": ("Excellent value, totally worth it.", "Best writing tool I have used, great job."),
        "neutral": ("Installed the update on my tablet today.", "I use it for meeting notes.",
                    "Switched from another editor last month.", "Using it on my laptop and phone."),
    },
    "de": {
        "price": ("Der neue Preis ist viel zu teuer, echt enttäuschend.",
                  "Viel zu teuer geworden, die Preiserhöhung ist eine Frechheit."),
        "bugs": ("Die App stürzt ständig ab, furchtbar.", "Voller Fehler seit dem Update, sehr ärgerlich."),
        "slow": ("Extrem langsam, Dokumente laden ewig.",),
        "support": ("Der Support antwortet nie, schlechter Service.",),
        "sync": ("Synchronisierung fehlgeschlagen, meine Arbeit ist weg.",),
        "features": ("Es fehlen grundlegende Funktionen, enttäuschend.",),
        "outage": ("Die App ist schon wieder ausgefallen, nichts lädt. Katastrophe.",),
        "easy": ("Super einfach zu bedienen, ich liebe es!",),
        "teamwork": ("Perfekt für die Zusammenarbeit im Team.",),
        "design": ("Wunderschönes Design, macht richtig Spaß.",),
        "helpful": ("Der Support war großartig und sehr schnell.",),
        "value": ("Absolut empfehlenswert, jeden Cent wert.",),
        "neutral": ("Ich nutze die App für Besprechungsnotizen.", "Heute auf die neue Version aktualisiert."),
    },
    "fr": {
        "price": ("Beaucoup trop cher maintenant, la hausse de prix est scandaleuse.",
                  "Le nouveau tarif est inacceptable, trop cher pour ce que c'est."),
        "bugs": ("L'application plante tout le temps, c'est horrible.",
                 "Plein de bugs depuis la mise à jour, très frustrant."),
        "slow": ("Terriblement lent, les documents mettent une éternité à s'ouvrir.",),
        "support": ("Le support ne répond jamais, service nul.",),
        "sync": ("La synchronisation a échoué et j'ai perdu mon travail.",),
        "features": ("Il manque des fonctions de base, décevant.",),
        "outage": ("Encore une panne aujourd'hui, rien ne charge. Catastrophe.",),
        "easy": ("Très facile à utiliser, j'adore !",),
        "teamwork": ("Parfait pour travailler en équipe.",),
        "design": ("Design magnifique, un vrai plaisir.",),
        "helpful": ("Le support est génial et rapide.",),
        "value": ("Ça vaut vraiment le coup, je recommande.",),
        "neutral": ("J'utilise l'application pour mes notes de réunion.",
                    "Mis à jour vers la nouvelle version aujourd'hui."),
    },
    "es": {
        "price": ("Demasiado caro ahora, la subida de precio es un abuso.",
                  "El nuevo precio es inaceptable, muy caro para lo que ofrece."),
        "bugs": ("La aplicación se cierra constantemente, horrible.",
                 "Llena de errores desde la actualización, muy frustrante."),
        "slow": ("Lentísima, los documentos tardan una eternidad en abrir.",),
        "support": ("El soporte nunca responde, pésimo servicio.",),
        "sync": ("La sincronización falló y perdí mi trabajo.",),
        "features": ("Faltan funciones básicas, decepcionante.",),
        "outage": ("Otra caída hoy, no funciona nada. Un desastre.",),
        "easy": ("Muy fácil de usar, ¡me encanta!",),
        "teamwork": ("Perfecta para trabajar en equipo.",),
        "design": ("Diseño bonito, un placer usarla.",),
        "helpful": ("El soporte fue excelente y rápido.",),
        "value": ("Vale totalmente la pena, la recomiendo.",),
        "neutral": ("La uso para notas de reuniones.", "Actualicé a la nueva versión hoy."),
    },
    "pt": {
        "price": ("Ficou caro demais, o aumento de preço é um absurdo.",
                  "O novo preço é inaceitável, muito caro pelo que oferece."),
        "bugs": ("O aplicativo trava o tempo todo, horrível.",
                 "Cheio de erros desde a atualização, muito frustrante."),
        "slow": ("Lento demais, os documentos demoram uma eternidade para abrir.",),
        "support": ("O suporte nunca responde, péssimo atendimento.",),
        "sync": ("A sincronização falhou e perdi meu trabalho.",),
        "features": ("Faltam funções básicas, decepcionante.",),
        "outage": ("Fora do ar de novo, nada funciona. Um desastre.",),
        "easy": ("Muito fácil de usar, adorei!",),
        "teamwork": ("Perfeito para trabalhar em equipe.",),
        "design": ("Design lindo, um prazer de usar.",),
        "helpful": ("O suporte foi excelente e rápido.",),
        "value": ("Vale muito a pena, recomendo.",),
        "neutral": ("Uso o app para notas de reunião.", "Atualizei para a nova versão hoje."),
    },
    "ja": {
        "price": ("新しい料金は高すぎます。値上げにはがっかりです。", "価格が高すぎて、もう続けられません。"),
        "bugs": ("アプリが頻繁にクラッシュします。最悪です。", "アップデート以降バグだらけで、とても不満です。"),
        "slow": ("動作が遅すぎて、文書を開くのに時間がかかります。",),
        "support": ("サポートから返事がありません。ひどい対応です。",),
        "sync": ("同期に失敗して作業が消えました。",),
        "features": ("基本的な機能が足りず、残念です。",),
        "outage": ("またサーバーが落ちて、何も読み込めません。",),
        "easy": ("とても使いやすくて大好きです！",),
        "teamwork": ("チームでの共同作業に最適です。",),
        "design": ("デザインが美しく、使うのが楽しいです。",),
        "helpful": ("サポートが親切で対応も早かったです。",),
        "value": ("お金を払う価値があります。",),
        "neutral": ("会議のメモに使っています。", "今日新しいバージョンに更新しました。"),
    },
}

# English sign-offs that carry the same tone and name no theme.
CLOSERS = {"negative": (" Very disappointed.", " Not happy at all."),
           "positive": (" Highly recommend!", " Thanks, team!")}


def writing_language(language: np.ndarray) -> np.ndarray:
    """People whose language has no bank write in English."""
    return np.where(np.isin(language, LANGUAGES), language, "en").astype(object)


THEMES = NEGATIVE_THEMES + POSITIVE_THEMES + (NEUTRAL_THEME,)


def _flat_bank() -> tuple[np.ndarray, np.ndarray]:
    """All sentences in one array, and per (language, theme) its first sentence and count,
    at row LANGUAGES.index(language) * len(THEMES) + THEMES.index(theme)."""
    sentences, first_count = [], []
    for code in LANGUAGES:
        for name in THEMES:
            first_count.append((len(sentences), len(BANK[code][name])))
            sentences += BANK[code][name]
    return np.array(sentences, dtype=object), np.array(first_count)


_SENTENCES, _FIRST_COUNT = _flat_bank()


def compose(rng: np.random.Generator, language: np.ndarray, theme: np.ndarray,
            closer_share: float = 0.3) -> np.ndarray:
    """One text per row, in the row's writing language, on the row's theme."""
    lang = writing_language(language)
    lang_code = pd.Categorical(lang, categories=LANGUAGES).codes.astype(np.int64)
    theme_code = pd.Categorical(theme, categories=THEMES).codes.astype(np.int64)
    if (theme_code < 0).any():
        raise ValueError(f"unknown text theme: {theme[theme_code < 0][0]!r}")
    first, count = _FIRST_COUNT[lang_code * len(THEMES) + theme_code].T
    out = _SENTENCES[first + (rng.random(len(theme)) * count).astype(np.int64)]
    closer = rng.random(len(theme)) < closer_share
    for tone, themes in (("negative", NEGATIVE_THEMES), ("positive", POSITIVE_THEMES)):
        rows = np.flatnonzero(closer & (lang == "en") & np.isin(theme, themes))
        endings = np.array(CLOSERS[tone], dtype=object)
        out[rows] = out[rows] + endings[rng.integers(0, len(endings), len(rows))]
    return out
