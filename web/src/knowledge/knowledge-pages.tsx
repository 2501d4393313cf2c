import { type FormEvent, useCallback, useEffect, useState } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import type {
  ArticleSummaryView,
  ArticleView,
  CategoryView,
  RevisionSummaryView,
  RevisionView,
} from "../../../src/modules/knowledge/knowledge-schemas.js";
import { type PlacedProblems, placeProblems } from "../admin/field-errors.js";
import { ApiError, api } from "../api.js";
import { Redirect } from "../redirect.js";
import "../admin/admin.css";
import "./knowledge.css";
import { FrequentQuestionsPage } from "./frequent-questions-page.js";

/** The knowledge base's workspace pages, loaded on first visit to `/knowledge` (main.tsx): staff write. */
export default function KnowledgePages() {
  return (
    <div className="admin-page knowledge">
      <Routes>
        <Route index element={<ArticlesPage />} />
        <Route path="articles/new" element={<ArticleEditor />} />
        <Route path="articles/:id" element={<ArticleEditor />} />
        <Route path="articles/:id/history/:revisionId" element={<RevisionPage />} />
        <Route path="frequent-questions" element={<FrequentQuestionsPage />} />
        <Route path="*" element={<Redirect to="/knowledge" />} />
      </Routes>
    </div>
  );
}

/** Server-rendered, sanitized HTML (`render-markdown.ts`): the one renderer readers get too. */
function RenderedArticle({ html, label }: { html: string; label: string }) {
  return (
    // biome-ignore lint/security/noDangerouslySetInnerHtml: the server sanitized it with the article policy
    <section className="kb-rendered" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />
  );
}

function ArticlesPage() {
  const [articles, setArticles] = useState<ArticleSummaryView[] | null>(null);
  const [categories, setCategories] = useState<CategoryView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([
      api<ArticleSummaryView[]>("GET", "/knowledge/articles"),
      api<CategoryView[]>("GET", "/knowledge/categories"),
    ])
      .then(([list, cats]) => {
        setArticles(list);
        setCategories(cats);
      })
      .catch((caught: Error) => setError(caught.message));
  }, []);
  useEffect(load, [load]);
  const categoryName = (id: string) => categories.find((c) => c.id === id)?.name ?? "";

  return (
    <section>
      <h1>Knowledge base</h1>
      <p>
        <Link to="/knowledge/articles/new" className="button primary">
          Write an article
        </Link>{" "}
        <a href="/help">Open the public help center</a>{" "}
        <Link to="/knowledge/frequent-questions">Frequent questions</Link>
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {articles === null ? (
        <p className="muted">Loading articles…</p>
      ) : articles.length === 0 ? (
        <p className="muted">No articles yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Category</th>
              <th scope="col">Visibility</th>
              <th scope="col">State</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {articles.map((article) => (
              <tr key={article.id}>
                <td>
                  <Link to={`/knowledge/articles/${article.id}`}>{article.title}</Link>
                </td>
                <td>{categoryName(article.categoryId)}</td>
                <td>{article.visibility === "public" ? "Public" : "Internal"}</td>
                <td>{article.state === "published" ? "Published" : "Draft"}</td>
                <td>{new Date(article.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CategoryForm onCreated={load} />
    </section>
  );
}

function CategoryForm({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setAdded(null);
    try {
      await api("POST", "/knowledge/categories", { name, description });
      setAdded(`Category “${name}” added.`);
      setName("");
      setDescription("");
      onCreated();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The category could not be added.");
    }
  }
  return (
    <form className="kb-category-form" onSubmit={submit}>
      <h2>Add a category</h2>
      <label htmlFor="category-name">Name</label>
      <input
        id="category-name"
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor="category-description">Description</label>
      <input
        id="category-description"
        maxLength={2000}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {added && <p role="status">{added}</p>}
      <button type="submit">Add category</button>
    </form>
  );
}

const fields = ["title", "slug", "body", "categoryId", "visibility"] as const;

interface Draft {
  title: string;
  slug: string;
  body: string;
  categoryId: string;
  visibility: "public" | "internal";
}

function ArticleEditor() {
  const { id } = useParams();
  const navigate = useNavigate();
  const [categories, setCategories] = useState<CategoryView[]>([]);
  const [article, setArticle] = useState<ArticleView | null>(null);
  const [draft, setDraft] = useState<Draft>({
    title: "",
    slug: "",
    body: "",
    categoryId: "",
    visibility: "public",
  });
  const [preview, setPreview] = useState<string | null>(null);
  const [problems, setProblems] = useState<PlacedProblems | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // From the latest draft, not the one this render saw: the categories' answer may land between a
  // keystroke's render and its handler, and an edit from the older draft would drop its category.
  const edit = <Field extends keyof Draft>(field: Field, value: Draft[Field]) =>
    setDraft((current) => ({ ...current, [field]: value }));

  const load = useCallback(() => {
    api<CategoryView[]>("GET", "/knowledge/categories").then((cats) => {
      setCategories(cats);
      setDraft((current) =>
        current.categoryId === "" && cats[0] ? { ...current, categoryId: cats[0].id } : current,
      );
    });
    if (!id) return;
    api<ArticleView>("GET", `/knowledge/articles/${id}`).then((loaded) => {
      setArticle(loaded);
      setDraft({
        title: loaded.title,
        slug: loaded.slug,
        body: loaded.body,
        categoryId: loaded.categoryId,
        visibility: loaded.visibility,
      });
      setConflict(null);
    });
  }, [id]);
  useEffect(load, [load]);

  async function save(state: "draft" | "published") {
    setBusy(true);
    setProblems(null);
    setSaved(null);
    const fieldsToSend = {
      title: draft.title,
      body: draft.body,
      categoryId: draft.categoryId,
      visibility: draft.visibility,
      state,
      ...(draft.slug.trim() ? { slug: draft.slug.trim() } : {}),
    };
    try {
      const result = article
        ? await api<ArticleView>("PATCH", `/knowledge/articles/${article.id}`, {
            version: article.version,
            ...fieldsToSend,
          })
        : await api<ArticleView>("POST", "/knowledge/articles", fieldsToSend);
      setArticle(result);
      setSaved(state === "published" ? "Published." : "Saved as a draft.");
      if (!article) navigate(`/knowledge/articles/${result.id}`, { replace: true });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409 && caught.problem.current) {
        const { lastChange } = caught.problem as { lastChange?: { by: { name: string } | null } };
        setConflict(`${lastChange?.by?.name ?? "Someone"} saved this article since you opened it.`);
      } else {
        setProblems(
          caught instanceof ApiError
            ? placeProblems(caught.problem, fields)
            : { byField: {}, general: ["The article could not be saved. Try again."] },
        );
      }
    } finally {
      setBusy(false);
    }
  }

  async function showPreview() {
    const { html } = await api<{ html: string }>("POST", "/knowledge/preview", { body: draft.body });
    setPreview(html);
  }

  const fieldError = (field: (typeof fields)[number]) =>
    problems?.byField[field] ? (
      <p id={`${field}-error`} className="field-error">
        {problems.byField[field]?.join(" ")}
      </p>
    ) : null;

  return (
    <section>
      <p>
        <Link to="/knowledge">All articles</Link>
      </p>
      <h1>{article ? `Edit “${article.title}”` : "Write an article"}</h1>
      {article && (
        <p className="muted">
          {article.state === "published" ? "Published" : "Draft"} · version {article.version}
          {article.stats &&
            ` · ${article.stats.views} views · ${article.stats.deflections} requests answered`}
          {article.state === "published" && article.visibility === "public" && (
            <>
              {" "}
              · <a href={`/help/articles/${encodeURIComponent(article.slug)}`}>View on the help center</a>
            </>
          )}
        </p>
      )}
      {conflict && (
        <div className="error" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={load}>
            Load their version
          </button>
        </div>
      )}
      <form className="kb-editor" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="kb-title">Title</label>
        <input
          id="kb-title"
          required
          maxLength={300}
          value={draft.title}
          onChange={(e) => edit("title", e.target.value)}
        />
        {fieldError("title")}
        <label htmlFor="kb-slug">Address (slug)</label>
        <input
          id="kb-slug"
          maxLength={100}
          value={draft.slug}
          placeholder="made from the title"
          onChange={(e) => edit("slug", e.target.value)}
        />
        {fieldError("slug")}
        <label htmlFor="kb-category">Category</label>
        <select
          id="kb-category"
          value={draft.categoryId}
          onChange={(e) => edit("categoryId", e.target.value)}
        >
          {categories.map((category) => (
            <option key={category.id} value={category.id}>
              {category.name}
            </option>
          ))}
        </select>
        {categories.length === 0 && <p className="muted">Add a category on the articles page first.</p>}
        {fieldError("categoryId")}
        <label htmlFor="kb-visibility">Who may read it</label>
        <select
          id="kb-visibility"
          value={draft.visibility}
          onChange={(e) => edit("visibility", e.target.value as Draft["visibility"])}
        >
          <option value="public">Everyone (help center and portal)</option>
          <option value="internal">The team only</option>
        </select>
        <label htmlFor="kb-body">Article (Markdown)</label>
        <textarea id="kb-body" rows={16} value={draft.body} onChange={(e) => edit("body", e.target.value)} />
        {fieldError("body")}
        {problems && problems.general.length > 0 && (
          <div className="error" role="alert">
            {problems.general.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
        <p className="kb-actions">
          <button type="button" onClick={() => void showPreview()}>
            Preview
          </button>
          <button type="button" disabled={busy} onClick={() => void save("draft")}>
            {article?.state === "published" ? "Unpublish and save as draft" : "Save draft"}
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void save("published")}>
            Publish
          </button>
        </p>
        <p role="status">{saved}</p>
      </form>
      {preview !== null && (
        <section aria-labelledby="kb-preview-title">
          <h2 id="kb-preview-title">Preview</h2>
          <RenderedArticle html={preview} label="Preview of the article" />
        </section>
      )}
      {article && <HistorySection articleId={article.id} version={article.version} />}
    </section>
  );
}

function HistorySection({ articleId, version }: { articleId: string; version: number }) {
  const [revisions, setRevisions] = useState<RevisionSummaryView[] | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new version means a new revision to list
  useEffect(() => {
    api<RevisionSummaryView[]>("GET", `/knowledge/articles/${articleId}/history`).then(setRevisions);
  }, [articleId, version]);
  return (
    <section aria-labelledby="kb-history-title">
      <h2 id="kb-history-title">History</h2>
      {revisions === null ? (
        <p className="muted">Loading…</p>
      ) : revisions.length === 0 ? (
        <p className="muted">No earlier versions.</p>
      ) : (
        <ul>
          {revisions.map((revision) => (
            <li key={revision.id}>
              <Link to={`/knowledge/articles/${articleId}/history/${revision.id}`}>
                Version {revision.version}: {revision.title}
              </Link>{" "}
              <span className="muted">
                ({revision.state}, by {revision.writtenBy?.name ?? "Tend"},{" "}
                {new Date(revision.writtenAt).toLocaleString()})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RevisionPage() {
  const { id, revisionId } = useParams();
  const [revision, setRevision] = useState<RevisionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<RevisionView>("GET", `/knowledge/articles/${id}/history/${revisionId}`)
      .then(setRevision)
      .catch((caught: Error) => setError(caught.message));
  }, [id, revisionId]);
  return (
    <section>
      <p>
        <Link to={`/knowledge/articles/${id}`}>Back to the article</Link>
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {revision && (
        <>
          <h1>
            Version {revision.version}: {revision.title}
          </h1>
          <p className="muted">
            Written by {revision.writtenBy?.name ?? "Tend"} on {new Date(revision.writtenAt).toLocaleString()}
            ; replaced by {revision.replacedBy?.name ?? "Tend"} on{" "}
            {new Date(revision.replacedAt).toLocaleString()}.
          </p>
          <RenderedArticle html={revision.html} label={`Version ${revision.version}`} />
          <h2>Markdown</h2>
          <pre className="kb-source">{revision.body}</pre>
        </>
      )}
    </section>
  );
}
