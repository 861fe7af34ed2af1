"""Examples of the ContentFunction's answers, for the OpenAPI document.

Plain data: `schemas` shows them in the document, and a test validates each
against its model, so an example cannot drift from the contract.
"""

from __future__ import annotations

from pydantic import JsonValue

_AUTHOR: dict[str, JsonValue] = {
    "slug": "dr-maya-chen",
    "name": "Maya Chen",
    "credentials": "MD, psychiatrist",
    "url": "/providers/dr-maya-chen",
}
_SUMMARY: dict[str, JsonValue] = {
    "slug": "how-fast-does-ketamine-work-for-anxiety",
    "url": "/articles/how-fast-does-ketamine-work-for-anxiety",
    "title": "How fast does ketamine work for anxiety?",
    "description": "What the studies say about the first hours and weeks of ketamine treatment.",
    "excerpt": "Many people notice a change within hours of their first infusion.",
    "author": _AUTHOR,
    "publishedAt": "2026-03-02",
    "updatedAt": "2026-03-09",
    "tags": ["ketamine", "anxiety"],
    "readingTimeMinutes": 7,
}

HEALTH: dict[str, JsonValue] = {"status": "ok"}

SITE: dict[str, JsonValue] = {
    "name": "Harborview Psychiatry",
    "baseUrl": "https://www.harborview-psychiatry.example/",
    "contact": {
        "phone": "+1 503-555-0142",
        "email": "hello@harborview-psychiatry.example",
        "hours": "Mon-Fri 8:00-17:00",
    },
    "phoneRegion": "US",
    "timeZone": "America/Los_Angeles",
    "cta": {"label": "Request an appointment", "href": "/request-appointment"},
    "services": [
        {"id": "ketamine-consultation", "label": "Ketamine treatment consultation"},
        {"id": "psychiatric-evaluation", "label": "Psychiatric evaluation"},
    ],
    "consentVersion": "2026-11-01",
    "consentText": "I agree that the clinic may contact me about this request.",
    "emergencyNotice": "In a crisis, call or text 988 or call 911. Requests are not read at night.",
    "searchPrompt": "What would you like to find?",
    "pages": [{"slug": "about", "title": "About us", "url": "/pages/about"}],
    "providers": [{"slug": "dr-maya-chen", "name": "Maya Chen", "credentials": "MD, psychiatrist"}],
}

ARTICLE_PAGE: dict[str, JsonValue] = {"items": [_SUMMARY], "nextCursor": None, "total": 1}

TAG_LIST: dict[str, JsonValue] = {
    "items": [
        {"tag": "ketamine", "label": "Ketamine", "count": 4},
        {"tag": "tms", "label": "TMS", "count": 1},
    ]
}

ARTICLE: dict[str, JsonValue] = {
    **_SUMMARY,
    "author": {**_AUTHOR, "bio": "Dr. Chen leads the clinic's ketamine program."},
    "wordCount": 1480,
    "html": '<p>Many people notice a change within hours.</p><h2 id="the-first-day">'
    "The first day</h2><p>...</p>",
    "toc": [{"id": "the-first-day", "title": "The first day", "level": 2, "children": []}],
    "cta": {"label": "Request an appointment", "href": "/request-appointment"},
    "related": [
        {
            "slug": "ketamine-side-effects",
            "title": "Ketamine side effects",
            "url": "/articles/ketamine-side-effects",
        }
    ],
    "reviewedBy": None,
    "lastReviewed": None,
    "jsonLd": {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": "How fast does ketamine work for anxiety?",
    },
    "image": {
        "url": "/media/3f9c0a1b2c3d4e5f-1600.jpg",
        "width": 1600,
        "height": 1000,
        "alt": "A quiet treatment room with a reclining chair by a window",
        "sources": [
            {
                "type": "image/webp",
                "srcset": "/media/3f9c0a1b2c3d4e5f-480.webp 480w, "
                "/media/3f9c0a1b2c3d4e5f-960.webp 960w, /media/3f9c0a1b2c3d4e5f-1600.webp 1600w",
            },
            {
                "type": "image/jpeg",
                "srcset": "/media/3f9c0a1b2c3d4e5f-480.jpg 480w, "
                "/media/3f9c0a1b2c3d4e5f-960.jpg 960w, /media/3f9c0a1b2c3d4e5f-1600.jpg 1600w",
            },
        ],
    },
}

SEARCH_RESULTS: dict[str, JsonValue] = {
    "query": "ketamine anxiety",
    "items": [
        {
            "kind": "article",
            "slug": "how-fast-does-ketamine-work-for-anxiety",
            "title": "How fast does ketamine work for anxiety?",
            "url": "/articles/how-fast-does-ketamine-work-for-anxiety",
            "section": {"id": "the-first-day", "title": "The first day", "parent": None},
            "snippet": "Most people feel <mark>ketamine</mark> ease their <mark>anxiety</mark>",
            "text": "Most people feel ketamine ease their anxiety",
            "matches": [[17, 25], [37, 44]],
            "headingMatches": [],
            "score": 12.5,
        }
    ],
    "total": 1,
    "didYouMean": None,
    "leftOut": [],
    "nextCursor": None,
}

PAGE: dict[str, JsonValue] = {
    "slug": "about",
    "url": "/pages/about",
    "title": "About us",
    "description": "Who we are and how we care for people with hard-to-treat depression.",
    "publishedAt": "2026-11-01",
    "updatedAt": "2026-11-01",
    "html": '<p>We are a psychiatric practice.</p><h2 id="our-approach">Our approach</h2>',
    "toc": [{"id": "our-approach", "title": "Our approach", "level": 2, "children": []}],
    "image": None,
    "jsonLd": {"@context": "https://schema.org", "@type": "AboutPage", "name": "About us"},
}

_PROVIDER_SUMMARY: dict[str, JsonValue] = {
    **_AUTHOR,
    "role": "Medical director",
    "specialties": ["Treatment-resistant depression", "Ketamine therapy"],
    "photo": None,
    "seesPatients": True,
}

PROVIDER_LIST: dict[str, JsonValue] = {"items": [_PROVIDER_SUMMARY]}

PROVIDER: dict[str, JsonValue] = {
    **_PROVIDER_SUMMARY,
    "bio": "Dr. Chen leads the clinic's ketamine program.",
    "bioHtml": "<p>Dr. Chen leads the clinic's ketamine program.</p>",
    "services": [{"id": "ketamine-consultation", "label": "Ketamine treatment consultation"}],
    "articles": [
        {
            "slug": "how-fast-does-ketamine-work-for-anxiety",
            "title": "How fast does ketamine work for anxiety?",
            "url": "/articles/how-fast-does-ketamine-work-for-anxiety",
        }
    ],
    "jsonLd": {
        "@context": "https://schema.org",
        "@type": "Physician",
        "name": "Maya Chen",
        "medicalSpecialty": "Psychiatric",
    },
}
