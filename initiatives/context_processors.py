from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def language_links(request):
    """The current page in each language, for the switch and hreflang links.

    Plain links between the Turkish paths and the /en/ paths: no form, no
    cookie (docs/CONTRACT.md "Languages and paths").
    """
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        if code != current and url == path:
            # A path that does not resolve (a 404): offer the other home page.
            url = translate_url("/en/" if current == "en" else "/", code)
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return {"language_links": links}
