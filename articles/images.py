"""The article images' own part: the sizes the pages use and their bookkeeping on ``ArticleImage``.

Checking, cleaning (EXIF, GPS) and resizing are ``sammachip.images``, shared with the programme's
photos. ``make_renditions`` is called once, when an image is saved through
``articles.services.article_image_save``.
"""

from django.core.files.storage import default_storage

from sammachip import images

# name: (width, height, crop). crop=True fills the box exactly (centre crop); False fits inside.
RENDITIONS = {
    "thumb": (320, 240, True),
    "card": (640, 360, True),
    "full": (1600, 1600, False),
    "share": (1200, 630, True),
}


def make_renditions(source, storage=None):
    """Write every rendition of the (already cleaned) image file ``source`` as JPEG; return
    ``{name: {"name", "width", "height"}}`` for ``ArticleImage.renditions``."""
    return images.make_renditions(source, RENDITIONS, folder="articles", storage=storage)


def delete_files(article_image, storage=None):
    storage = storage or default_storage
    for info in (article_image.renditions or {}).values():
        storage.delete(info["name"])
    if article_image.image:
        article_image.image.storage.delete(article_image.image.name)


def rendition_info(article_image, name):
    info = (article_image.renditions or {}).get(name)
    if not info:
        return None
    return {
        "url": default_storage.url(info["name"]),
        "width": info["width"],
        "height": info["height"],
    }
