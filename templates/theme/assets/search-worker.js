/* Search worker for Material for MkDocs' search UI, reading publisher/search.py's sharded index.
 *
 * Material's protocol: the page sends SETUP (0) with search/search_index.json, we answer READY (1);
 * it sends QUERY (2) with the box's text, we answer RESULT (3) with {items: [[article, sections…], …]}.
 * A page matches when its text holds every space-separated word of the query (case-insensitive).
 * Chinese runs are found through positional character pairs, so matches are exact substrings; a
 * Latin/digit word matches words it starts (English: stems it starts; publisher/search.py stem).
 * The page's language comes from this script's ?lang= (the page's <html lang>, set in main.html).
 * Only what a query needs is fetched, once: pair and word shards, then the texts of the first FIRST
 * pages (exact check, title, excerpt). Ranking (title matches first, then occurrences, then site order)
 * comes from the postings alone: a title occupies positions below the manifest's title_span.
 * RESULT lists every page found, so Material's count is exact; pages after the first FIRST are
 * placeholders (a span naming page and query) that the page fills in as Material renders them, i.e. as
 * the reader scrolls: partials/search-on-demand.html sends MORE with their page numbers, we read their
 * titles (t*.json, TITLES_PER_FILE a file) and answer FILLED. fold, stem and hash mirror search.py. */
"use strict"

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3                    /* Material's */
const MORE = "pub-search-more", FILLED = "pub-search-filled"          /* ours: placeholders (Material ignores them) */
const FIRST = 10               /* Material shows ten results before the reader scrolls: these come complete */
const AHEAD = 8                /* titles of the next results are read as soon as the first ones are answered */
const BEFORE = 40, AFTER = 110 /* characters of an excerpt around its first match */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g
const WORD = /[a-z0-9]+/g
const SEARCH_DIR = new URL("../search/", self.location.href)  /* this file is assets/search-worker.*.js */

let index = null      /* {base, pages, pairs, singles, words, titles, title_span, stem} of the page's language */
let latest = 0        /* number of the newest query: older answers arriving late are dropped */
let answered = null   /* {number, words} of the newest answer: its placeholders are filled with these words */
const files = new Map()

function fold(text) {
  let out = ""
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i)
    if ((code >= 0xff10 && code <= 0xff19) || (code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a))
      code -= 0xfee0
    if (code >= 0x41 && code <= 0x5a)
      code += 0x20
    out += String.fromCharCode(code)
  }
  return out
}

/* Longest first; a stem keeps at least MIN_STEM letters; words ending in ss/us keep their s */
const SUFFIXES = ["izations", "ization", "ations", "ation", "ators", "ator", "ments", "ment", "ings", "ing", "ions",
                  "ion", "ers", "er", "ors", "or", "ies", "ied", "ed", "es", "ly", "al", "s", "y", "e"]
const MIN_STEM = 3

function stem(word) {
  if (!/^[a-z]+$/i.test(word)) return word
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM) {
      if (suffix === "s" && (word.endsWith("ss") || word.endsWith("us"))) continue
      return word.slice(0, -suffix.length)
    }
  }
  return word
}

function fnv1a(token) {
  let value = 0x811c9dc5
  for (let i = 0; i < token.length; i++)
    value = Math.imul(value ^ token.charCodeAt(i), 0x01000193) >>> 0
  return value
}

function load(name) {
  if (!files.has(name)) {
    const request = fetch(new URL(name, index.base)).then(response => {
      if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`)
      return response.json()
    })
    request.catch(() => files.delete(name))  /* a failed fetch is tried again by the next query */
    files.set(name, request)
  }
  return files.get(name)
}

/* gaps between occurrences, each page · 2^20 + position (publisher/search.py Postings) → Map(page → positions) */
const PAGE_LIMIT = 1048576
function positional(flat) {
  const pages = new Map()
  let value = 0
  for (const gap of flat) {
    value += gap
    const page = Math.floor(value / PAGE_LIMIT)
    let positions = pages.get(page)
    if (!positions) pages.set(page, positions = [])
    positions.push(value - page * PAGE_LIMIT)
  }
  return pages
}

function pageSet(gaps = []) {
  const pages = new Set()
  let page = 0
  for (const gap of gaps) pages.add(page += gap)
  return pages
}

/* The parts of one query word that the index knows: Chinese runs and Latin/digit words, with offsets */
function segments(word) {
  const found = []
  for (const match of word.matchAll(HAN)) found.push({kind: "han", text: match[0], offset: match.index})
  for (const match of word.matchAll(WORD))
    found.push({kind: "word", text: match[0], offset: match.index, last: match.index + match[0].length === word.length})
  return found.sort((a, b) => a.offset - b.offset)
}

/* Map(page → start positions of the segment) or, for a lone Chinese character, {pages, titled} (Sets of pages) */
async function occurrences(segment) {
  if (segment.kind === "han" && segment.text.length === 1) {
    const shard = await load(`u${fnv1a(segment.text) & (index.singles - 1)}.json`)
    const [pages, titled] = shard[segment.text] || [[], []]
    return {pages: pageSet(pages), titled: pageSet(titled)}
  }
  if (segment.kind === "han") {
    const pairs = []
    for (let i = 0; i + 1 < segment.text.length; i++) pairs.push(segment.text.slice(i, i + 2))
    const shards = await Promise.all(pairs.map(pair => load(`b${fnv1a(pair) & (index.pairs - 1)}.json`)))
    let starts = null
    pairs.forEach((pair, i) => {
      const found = positional(shards[i][pair] || [])
      const next = new Map()
      for (const [page, positions] of found) {
        const shifted = positions.map(p => p - i)
        if (starts === null) next.set(page, shifted)
        else if (starts.has(page)) {
          const kept = new Set(shifted)
          const both = starts.get(page).filter(p => kept.has(p))
          if (both.length) next.set(page, both)
        }
      }
      starts = next
    })
    return starts
  }
  const key = index.stem ? stem(segment.text) : segment.text
  const result = new Map()
  if (!index.words.includes(key[0])) return result
  const shard = await load(`w${key[0]}.json`)
  for (const [word, flat] of Object.entries(shard)) {
    if (word !== key && !(segment.last && word.startsWith(key))) continue
    for (const [page, positions] of positional(flat))
      result.set(page, [...(result.get(page) || []), ...positions].sort((a, b) => a - b))
  }
  return result
}

/* For one space-separated query word: {counts: Map(page → how often it occurs), titled: Set(pages whose title
   holds it)}; null if the word has no segment the index knows */
async function matchWord(word) {
  const parts = segments(word)
  if (!parts.length) return null
  const found = await Promise.all(parts.map(occurrences))
  let starts = null, filters = []
  parts.forEach((part, i) => {
    if (!(found[i] instanceof Map)) { filters.push(found[i]); return }
    const shifted = new Map()
    for (const [page, positions] of found[i]) shifted.set(page, positions.map(p => p - part.offset))
    if (starts === null) { starts = shifted; return }
    const next = new Map()
    for (const [page, positions] of shifted) {
      if (!starts.has(page)) continue
      const kept = new Set(positions)
      const both = starts.get(page).filter(p => kept.has(p))
      if (both.length) next.set(page, both)
    }
    starts = next
  })
  const counts = new Map()
  let titled
  if (starts === null) {  /* lone characters only: in the title if all of them are */
    for (const page of filters[0].pages) counts.set(page, 1)
    titled = new Set([...filters[0].titled].filter(page => filters.every(filter => filter.titled.has(page))))
  } else {  /* a match starting in the title ends there: a line break follows the title */
    titled = new Set()
    for (const [page, positions] of starts) {
      counts.set(page, positions.length)
      if (positions[0] < index.title_span) titled.add(page)
    }
  }
  for (const filter of filters)
    for (const page of [...counts.keys()]) if (!filter.pages.has(page)) counts.delete(page)
  return {counts, titled}
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c])
}

/* [start, end) of every occurrence of every word in the folded text, merged */
function ranges(folded, words) {
  const found = []
  for (const word of words)
    for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + 1))
      found.push([at, at + word.length])
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1])
  const merged = []
  for (const range of found) {
    const last = merged[merged.length - 1]
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([...range])
  }
  return merged
}

function highlight(text, words, from = 0, to = text.length) {
  let html = from > 0 ? "…" : "", at = from
  for (const [start, end] of ranges(fold(text), words)) {
    if (end <= from || start >= to) continue
    const s = Math.max(start, from), e = Math.min(end, to)
    html += escapeHTML(text.slice(at, s)) + "<mark data-md-highlight>" + escapeHTML(text.slice(s, e)) + "</mark>"
    at = e
  }
  return html + escapeHTML(text.slice(at, to)) + (to < text.length ? "…" : "")
}

function excerpt(text, words) {
  const first = ranges(fold(text), words)[0]
  if (!first) return escapeHTML(text.slice(0, BEFORE + AFTER)) + (text.length > BEFORE + AFTER ? "…" : "")
  const from = Math.max(0, first[0] - BEFORE)
  return highlight(text, words, from, Math.min(text.length, first[0] + AFTER))
}

/* The page's items: the article (its excerpt where the query first occurs) and the sections holding it */
function pageItems(url, sections, words, terms) {
  const folded = sections.map(([, title, text]) => fold(title + "\n" + text))
  if (!words.every(word => folded.some(section => section.includes(word)))) return null  /* not in one section */
  const hits = sections.map((_, i) => words.some(word => folded[i].includes(word)))
  const first = hits.indexOf(true)
  const items = [{location: url, title: highlight(sections[0][1], words), text: excerpt(sections[first][2], words),
                  score: 2, terms}]
  sections.forEach(([anchor, title, text], i) => {
    if (i > 0 && hits[i] && anchor)
      items.push({location: `${url}#${anchor}`, title: highlight(title, words), text: excerpt(text, words),
                  score: 1, terms})
  })
  return items
}

/* Material's items for one query: the first FIRST pages complete, then a placeholder per page */
async function search(query, number) {
  const raw = query.trim().split(/\s+/).filter(Boolean)
  const matched = (await Promise.all(raw.map(fold).map(matchWord))).filter(Boolean)
  if (!matched.length) return []
  /* what pages hold literally (English: the stem, which every relative of the word starts with) */
  const words = raw.map(fold).map(word => index.stem ? word.split(/([a-z]+)/).map(stem).join("") : word)
  const pages = [...matched[0].counts.keys()].filter(page => matched.every(word => word.counts.has(page)))
  const rank = new Map(pages.map(page => [page, [
    matched.filter(word => word.titled.has(page)).length,              /* words in the title */
    matched.reduce((sum, word) => sum + word.counts.get(page), 0)]]))  /* occurrences */
  pages.sort((a, b) => rank.get(b)[0] - rank.get(a)[0] || rank.get(b)[1] - rank.get(a)[1] || a - b)
  const terms = Object.fromEntries(raw.map(word => [word, true]))
  const shown = pages.slice(0, FIRST)
  const texts = await Promise.all(shown.map(page => load(`p${page}.json`)))
  const items = []
  texts.forEach(({url, sections}) => {
    const found = pageItems(url, sections, words, terms)
    if (found) items.push(found)
  })
  for (const page of pages.slice(FIRST))
    items.push([{location: "", title: `<span data-pub-more="${page}" data-pub-query="${number}">…</span>`,
                 text: "", score: 2, terms}])
  if (number === latest) answered = {number, words}  /* an older query finishing late must not take its place */
  pages.slice(FIRST, FIRST + AHEAD).forEach(page => titleOf(page).catch(() => {}))
  return items
}

async function titleOf(page) {
  return (await load(`t${Math.floor(page / index.titles)}.json`))[page % index.titles]
}

/* [page, location, highlighted title] of the placeholders the page asks for (those of the newest answer) */
async function fill(number, pages) {
  if (!answered || answered.number !== number) return []
  const {words} = answered
  return Promise.all(pages.map(async page => {
    const [url, title] = await titleOf(page)
    return [page, url, highlight(title, words)]
  }))
}

function choose(config) {
  const manifests = (config && config.publisher) || {}
  const wanted = (new URL(self.location.href).searchParams.get("lang") || "").toLowerCase().split("-")[0]
  const language = wanted in manifests ? wanted : Object.keys(manifests)[0]
  const manifest = manifests[language]
  return manifest && {...manifest, base: new URL(manifest.path, SEARCH_DIR)}
}

addEventListener("message", async event => {
  const message = event.data
  if (message.type === SETUP) {
    index = choose(message.data.config)
    files.clear()
    postMessage({type: READY})
  } else if (message.type === QUERY) {
    const number = ++latest
    let items = []
    try {
      items = index ? await search(String(message.data || ""), number) : []
    } catch (error) {
      console.warn("search failed:", error)
    }
    if (number === latest) postMessage({type: RESULT, data: {items}})
  } else if (message.type === MORE) {
    const {query, pages} = message.data
    try {
      const found = await fill(query, pages.map(Number).filter(page => page >= 0 && page < index.pages))
      if (found.length) postMessage({type: FILLED, data: {query, found}})
    } catch (error) {
      console.warn("search titles failed:", error)
    }
  }
})
