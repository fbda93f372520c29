"""The demo walk: open every page a user can reach from the home page and the navigation,
two links deep, and report what a user of the seeded demo would trip over.

Transport-agnostic: `walk(fetch, ...)` takes a function that GETs a path and returns a
`Page`, so the same walk runs over HTTP against the served demo (the CI test) or through
Django's test client (quick local exploration). What counts as a defect:
- a server error, or a link that answers 403/404 or sends a logged-in user to log-in
  (links a role cannot use must be hidden);
- raw internal code in the visible text: transition names, state and role codes, event
  types, method ids, hashes, Python reprs;
- an HTML page without Chinese text (an English-only page in the Chinese UI).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

# Paths the walk does not follow: assets, log-out and language switch, the English-only
# developer pages (Django admin and the API's Swagger UI are tools, not the Chinese UI).
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout/", "/i18n/", "/django-admin/", "/api/")
CJK = re.compile(r"[\u4e00-\u9fff]")
HEX_HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{16,}\b")
UPPER_SNAKE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")
# An all-capital word of four or more letters in a Chinese page is a code (SUBMIT, DISPATCH), except these.
UPPER_WORD = re.compile(r"(?<![\w-])[A-Z]{4,}(?![\w-])")
UPPER_ALLOWED = {"HTML", "HTTP", "HTTPS", "JSON", "EXCEL", "USCC", "WIFI"}
LOWER_SNAKE = re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")
DOTTED_CODE = re.compile(r"(?<![\w./@-])[a-z][a-z_]*\.[a-z][a-z_]*(?![\w./@-])")
FILE_SUFFIXES = {"xlsx", "xls", "csv", "pdf", "png", "jpg", "jpeg", "doc", "docx", "html", "svg", "zip", "ofd",
                 "com", "cn", "org", "gov", "net", "txt", "json", "yaml", "parquet"}
PY_REPR = re.compile(r"<[\w.]+ object at 0x|<QuerySet|\{'|\['|\bDecimal\(|\bdatetime\.|\bNone\b|\bTrue\b|\bFalse\b"
                     r"|\bnan\b|Traceback")


@dataclass
class Page:
    status: int
    content_type: str = "text/html"
    text: str = ""
    location: str = ""  # the redirect target, for 3xx

    @property
    def is_html(self) -> bool:
        return "text/html" in self.content_type


@dataclass
class Finding:
    who: str
    url: str
    problem: str
    came_from: str = ""

    def __str__(self) -> str:
        via = f"（来自 {self.came_from}）" if self.came_from else ""
        return f"[{self.who}] {self.url}{via}: {self.problem}"


class _Parser(HTMLParser):
    """Links and the visible text of a page. Text inside <script>, <style>, <textarea>, <code> and
    <pre>, and inside an element marked `data-gx-codes`, is not "on-screen prose": those hold deliberate
    codes (rule expressions for rule authors, verification codes, the audit log's raw record)."""

    HIDDEN = {"script", "style", "textarea", "code", "pre", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.nav_links: list[str] = []
        self.chunks: list[str] = []
        self.lang = ""
        self._stack: list[tuple[str, bool]] = []  # (tag, hides its text)
        self._hidden = 0
        self._in_nav = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang") or ""
        if tag in self.VOID:
            return
        hides = tag in self.HIDDEN or "data-gx-codes" in attrs
        self._stack.append((tag, hides))
        self._hidden += hides
        if tag == "nav":
            self._in_nav += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._in_nav:
                self.nav_links.append(attrs["href"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.VOID or all(t != tag for t, _ in self._stack):
            return
        while self._stack:
            top, hides = self._stack.pop()
            self._hidden -= hides
            if top == "nav":
                self._in_nav -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def parse(html: str) -> _Parser:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def raw_codes(text: str, vocabulary: frozenset[str] = frozenset()) -> list[str]:
    """Internal codes in a page's visible text."""
    found = []
    for m in UPPER_SNAKE.finditer(text):
        found.append(m.group())
    for m in UPPER_WORD.finditer(text):
        if m.group() not in UPPER_ALLOWED:
            found.append(m.group())
    for m in LOWER_SNAKE.finditer(text):
        found.append(m.group())
    for m in DOTTED_CODE.finditer(text):
        if m.group().rsplit(".", 1)[-1] not in FILE_SUFFIXES and m.group().split(".", 1)[0] not in FILE_SUFFIXES:
            found.append(m.group())
    for m in HEX_HASH.finditer(text):
        found.append(m.group())
    for m in PY_REPR.finditer(text):
        found.append(m.group())
    if vocabulary:
        for word in re.findall(r"\b[A-Za-z][A-Za-z0-9_]{3,}\b", text):
            if word in vocabulary:
                found.append(word)
    return sorted(set(found))


def route_key(path: str, resolve) -> tuple:
    """Pages of the same kind (route and query parameter names) count once or twice, not per object."""
    parts = urlsplit(path)
    try:
        route = resolve(parts.path).route
    except Exception:  # noqa: BLE001 - an unknown path is its own kind (it will 404 and be reported)
        route = parts.path
    return route, tuple(sorted({k for k, _ in parse_qsl(parts.query)}))


@dataclass
class WalkResult:
    who: str
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    html: set[str] = field(default_factory=set)  # the visited urls that answered a page (not a file)
    findings: list[Finding] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)


def walk(fetch, *, who: str, start: str = "/", depth: int = 2, per_kind: int = 2, resolve,
         vocabulary: frozenset[str] = frozenset(), logged_in: bool = True, login_path: str = "/accounts/login/",
         extra_checks=()) -> WalkResult:
    """Breadth-first from `start` (level 0, with the navigation links also at level 0), following
    links until `depth`. `fetch(path) -> Page` must not follow redirects; this does (up to 5)."""
    result = WalkResult(who=who)
    seen_kinds: dict[tuple, int] = defaultdict(int)
    queue: list[tuple[str, int, str]] = [(start, 0, "")]
    queued = {start}

    def follow(url: str) -> tuple[str, Page]:
        page = fetch(url)
        hops = 0
        while page.status in (301, 302, 303, 307, 308) and hops < 5:
            url = urljoin(url, page.location)
            page = fetch(url)
            hops += 1
        return url, page

    while queue:
        url, level, came_from = queue.pop(0)
        final, page = follow(url)
        result.visited[url] = page.status
        problems = []
        if page.status >= 500:
            problems.append(f"服务器错误 {page.status}")
        elif page.status in (403, 404, 405):
            problems.append(f"链接指向无权或不存在的页面（{page.status}）")
        elif logged_in and urlsplit(final).path == login_path and url != login_path:
            problems.append("已登录用户被送回登录页（链接不应显示）")
        elif page.status == 200 and page.is_html:
            result.html.add(url)
            parsed = parse(page.text)
            text = " ".join(parsed.chunks)
            if not CJK.search(text):
                problems.append("页面没有中文（中文界面中的英文页面）")
            if parsed.lang and not parsed.lang.lower().startswith("zh"):
                problems.append(f"页面语言为 {parsed.lang}")
            codes = raw_codes(text, vocabulary)
            if codes:
                problems.append("页面出现内部代码：" + "、".join(codes[:8]))
            for check in extra_checks:
                problems.extend(check(final, page, parsed))
            if level == 0 and url == start:
                result.nav = [h for h in parsed.nav_links]
            if level < depth:
                links = parsed.links + (parsed.nav_links if level == 0 else [])
                for href in links:
                    target = _local(href, final)
                    if target is None or target in queued:
                        continue
                    kind = route_key(target, resolve)
                    if seen_kinds[kind] >= per_kind:
                        continue
                    seen_kinds[kind] += 1
                    queued.add(target)
                    queue.append((target, level + 1, url))
        elif page.status not in (200, 204):
            problems.append(f"意外的状态码 {page.status}")
        result.findings.extend(Finding(who, url, p, came_from) for p in problems)
    return result


def _local(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != urlsplit(base).netloc:
        return None  # another site (a live room, a video meeting): not the walk's to open
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")
