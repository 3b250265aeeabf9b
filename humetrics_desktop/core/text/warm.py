"""Imported only by the forkserver that forks the scoring workers: loads TextBlob's lexicon and the
English vocabulary of the language check once, so that every worker starts warm (copy-on-write)
instead of parsing the same files again. Never imported by the app itself, whose start-up it would slow."""
from textblob.en import sentiment as _pattern_sentiment

from .language import english_vocabulary

if not dict.__len__(_pattern_sentiment):
    _pattern_sentiment.load()
english_vocabulary()
