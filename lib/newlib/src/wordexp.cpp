// wordexp without a shell: what a shell would do to one command line's
// words that needs no other program. Done: field splitting on blanks,
// quoting (' " \), $NAME and ${NAME} from the environment, a leading ~ as
// $HOME. Refused: command substitution ($( ) and backquotes: WRDE_CMDSUB),
// the characters that make a command line more than words (| & ; < > ( )
// { } newline: WRDE_BADCHAR), and with WRDE_UNDEF unset variables
// (WRDE_BADVAL). Not done: arithmetic, ${NAME:-...} forms (WRDE_SYNTAX)
// and pathname expansion (words with * ? [ stay as they are).
// wordfree frees what this wordexp allocates (newlib's expects its own).
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>

namespace {

struct Buf {
  char* p = nullptr;
  size_t n = 0, cap = 0;
  bool put(char c) {
    if (n + 1 >= cap) {
      size_t nc = cap ? cap * 2 : 64;
      char* q = static_cast<char*>(realloc(p, nc));
      if (!q) return false;
      p = q;
      cap = nc;
    }
    p[n++] = c;
    p[n] = '\0';
    return true;
  }
  bool put(const char* s) {
    for (; *s; ++s)
      if (!put(*s)) return false;
    return true;
  }
};

bool add_word(wordexp_t* we, Buf* w, size_t offs) {
  size_t total = offs + we->we_wordc + 2;
  char** v = static_cast<char**>(realloc(we->we_wordv, total * sizeof(char*)));
  if (!v) return false;
  if (!we->we_wordv)
    for (size_t i = 0; i < offs; ++i) v[i] = nullptr;
  we->we_wordv = v;
  v[offs + we->we_wordc++] = w->p ? w->p : strdup("");
  v[offs + we->we_wordc] = nullptr;
  *w = Buf{};
  return v[offs + we->we_wordc - 1] != nullptr;
}

// $NAME or ${NAME} at *s (just past the '$'); appends the value.
int expand_var(const char** s, Buf* w, int flags) {
  const char* p = *s;
  bool brace = *p == '{';
  if (brace) ++p;
  const char* name = p;
  while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_') ++p;
  size_t len = static_cast<size_t>(p - name);
  if (brace && *p != '}') return WRDE_SYNTAX;
  if (len == 0) {
    if (brace) return WRDE_SYNTAX;
    return w->put('$') ? 0 : WRDE_NOSPACE;  // a lone '$' is itself
  }
  char nm[256];
  if (len >= sizeof nm) return WRDE_SYNTAX;
  memcpy(nm, name, len);
  nm[len] = '\0';
  const char* v = getenv(nm);
  if (!v && (flags & WRDE_UNDEF)) return WRDE_BADVAL;
  *s = brace ? p + 1 : p;
  return !v || w->put(v) ? 0 : WRDE_NOSPACE;
}

int expand(const char* s, wordexp_t* we, int flags, size_t offs) {
  Buf w;
  bool inword = false;
  char quote = 0;
  if (*s == '~' && (s[1] == '\0' || s[1] == '/' || s[1] == ' ')) {
    const char* home = getenv("HOME");
    if (!w.put(home ? home : "/")) return WRDE_NOSPACE;
    inword = true;
    ++s;
  }
  for (; *s; ++s) {
    char c = *s;
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      else if (!w.put(c)) return WRDE_NOSPACE;
      continue;
    }
    if (c == '`' || (c == '$' && s[1] == '(')) return WRDE_CMDSUB;
    if (c == '\\' && s[1]) {
      if (!w.put(*++s)) return WRDE_NOSPACE;
      inword = true;
      continue;
    }
    if (c == '$') {
      ++s;
      int r = expand_var(&s, &w, flags);
      if (r) return r;
      --s;
      inword = true;
      continue;
    }
    if (quote == '"') {
      if (c == '"') quote = 0;
      else if (!w.put(c)) return WRDE_NOSPACE;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      inword = true;
      continue;
    }
    if (strchr("|&;<>(){}\n", c)) return WRDE_BADCHAR;
    if (c == ' ' || c == '\t') {
      if (inword && !add_word(we, &w, offs)) return WRDE_NOSPACE;
      inword = false;
      continue;
    }
    if (!w.put(c)) return WRDE_NOSPACE;
    inword = true;
  }
  if (quote) return WRDE_SYNTAX;
  if (inword && !add_word(we, &w, offs)) return WRDE_NOSPACE;
  free(w.p);
  return 0;
}

}  // namespace

extern "C" int wordexp(const char* __restrict words, wordexp_t* __restrict we, int flags) {
  if (flags & WRDE_REUSE) wordfree(we);
  if (!(flags & WRDE_APPEND)) {
    we->we_wordc = 0;
    we->we_wordv = nullptr;
    if (!(flags & WRDE_DOOFFS)) we->we_offs = 0;
  }
  size_t offs = (flags & WRDE_DOOFFS) ? we->we_offs : 0;
  int r = expand(words, we, flags, offs);
  if (r == 0 && !we->we_wordv) {  // no words: still a NULL-terminated vector
    we->we_wordv = static_cast<char**>(calloc(offs + 1, sizeof(char*)));
    if (!we->we_wordv) return WRDE_NOSPACE;
  }
  return r;
}

extern "C" void wordfree(wordexp_t* we) {
  if (!we || !we->we_wordv) return;
  for (size_t i = 0; i < we->we_wordc; ++i) free(we->we_wordv[we->we_offs + i]);
  free(we->we_wordv);
  we->we_wordv = nullptr;
  we->we_wordc = 0;
}
