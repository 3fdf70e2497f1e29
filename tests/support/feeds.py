"""A minimal RSS feed for tests that serve their own pages: RSS.format(items=...) around
ITEM.format(title=..., link=...) items, all published at one fixed time."""

RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
ITEM = ("<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Tue, 18 Nov 2025 14:05:00 GMT</pubDate></item>")
