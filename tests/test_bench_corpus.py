"""The benchmark corpus keeps its promises: articles of real news length, all distinct, the same for the same seed."""

import statistics

from bench.corpus import articles


def test_realistic_articles_have_the_length_of_real_news_and_are_all_distinct():
    generated = list(articles(400))
    sizes = [len(article["text"].encode()) for article in generated]
    assert statistics.median(sizes) >= 3000
    assert len({article["text"] for article in generated}) == len(generated)
    assert list(articles(50)) == generated[:50]
