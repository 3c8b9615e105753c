/**
 * The changes LeadFlow makes to FerretDB's source before building it (scripts/tools.ts
 * ensureFerretDb), and the function that applies them. Each patch says why; one that no longer
 * applies exactly where expected stops the build, so a changed upstream file is looked at again.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SourcePatch {
  /** Path inside the module's source. */
  file: string;
  why: string;
  from: string;
  to: string;
  /** How many times `from` must occur. */
  times: number;
}

/** Raised whenever FERRETDB_PATCHES change: a binary built with an older level is rebuilt. */
export const FERRETDB_PATCH_LEVEL = 5;

/**
 * The handler's side of the `_id` sort pushdown, the same in find and explain: the sort goes to
 * the backend when the whole filter is a string range on `_id`, and then the limit goes with it.
 */
function idSortPushdown(file: string, why: string): SourcePatch[] {
  return [
    {
      file,
      why,
      from: `	case params.Sort.Len() == 1:
		if params.Sort.Keys()[0] != "$natural" {
			break
		}
`,
      to: `	case params.Sort.Len() == 1:
		if params.Sort.Keys()[0] != "$natural" {
			// LeadFlow: SQLite sorts by _id when the whole filter is a string range on _id.
			if params.Sort.Keys()[0] == "_id" && leadflowIDRangeOnly(params.Filter) {
				qp.Sort = params.Sort
			}
			break
		}
`,
      times: 1,
    },
    {
      file,
      why: 'The limit of such a query goes to SQLite with its sort.',
      from: `	if !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {
		qp.Limit = params.Limit
	}
`,
      to: `	if !h.DisablePushdown && params.Filter.Len() == 0 && params.Sort.Len() == 0 && params.Skip == 0 {
		qp.Limit = params.Limit
	}

	// LeadFlow: with the sort by _id above, SQLite applies the whole filter and the sort, so the limit too.
	if !h.DisablePushdown && qp.Sort.Len() == 1 && qp.Sort.Has("_id") && params.Skip == 0 {
		qp.Limit = params.Limit
	}
`,
      times: 1,
    },
  ];
}

/**
 * Changes LeadFlow makes to FerretDB v1.24.2 before building it: without them its SQLite backend
 * uses no index at all, so every lookup of one document scans its whole collection (429 ms for
 * one `_id` among 200,000 events; a rescoring of 100,000 leads would take days).
 */
export const FERRETDB_PATCHES: SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    why:
      "Queries read `_id` as `_ferretdb_sjson->'$._id'`, but the `_id_` index is built on " +
      '`_ferretdb_sjson->"_id"`: SQLite only uses an expression index for the same expression, so ' +
      "the query now reads `->'_id'`, which SQLite parses to the index's expression (same JSON value).",
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      'The `_id` equality was pushed down only when it was the whole filter. It now is whenever the ' +
      'filter has one (a guarded write: `{_id, revision: {$lt: n}}`); a query without a filter has none. The handler still applies the ' +
      'whole filter to what the backend returns, so narrowing by `_id` first changes no result. ' +
      'Both the query and its explain are changed.',
    from: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")`,
    to: `	if params.Filter != nil && params.Filter.Has("_id") {
		v, _ := params.Filter.Get("_id")`,
    times: 2,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      '`_id: {$in: [...]}` of strings or ObjectIDs is pushed down as `_id IN (...)`, so that a batch ' +
      'of documents is read or deleted by its ids through the index (explain shows the plan but still ' +
      'reports no filter pushdown for it). A range of strings on `_id` ($gt/$gte/$lt/$lte) is pushed ' +
      'down exactly (string `_id`s only, as MongoDB compares only strings with a string).',
    from: `			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}`,
    to: `			whereClause = fmt.Sprintf(\` WHERE %s = ?\`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		case *types.Document:
			whereClause, args = leadflowIDIn(v.(*types.Document))
			if whereClause == "" {
				whereClause, args = leadflowIDRange(v.(*types.Document))
			}
		}`,
    times: 2,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'The prefilter below needs the regexp package.',
    from: `	"sort"
	"strings"
`,
    to: `	"regexp"
	"sort"
	"strings"
`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why:
      'Other top-level fields compared with strings (equality, $gt/$gte/$lt/$lte, $in) become a ' +
      'prefilter that SQLite evaluates on the stored JSON, so FerretDB decodes only the documents ' +
      'that can match instead of every one (about 3 µs a row in SQLite against 80 µs in FerretDB). ' +
      'A document whose field is an array always passes it, as do other types where SQLite cannot ' +
      'tell; the handler then applies the whole filter as before.',
    from: `	q += whereClause
`,
    to: `	if extra, extraArgs := leadflowFieldClauses(params.Filter); extra != "" {
		if whereClause == "" {
			whereClause = " WHERE " + extra
		} else {
			whereClause += " AND " + extra
		}
		args = append(args, extraArgs...)
	}

	q += whereClause
`,
    times: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    why: 'The function the `$in` pushdown calls, added at the end of the file.',
    from: `// check interfaces
`,
    to: `// leadflowFieldKey is a top-level field name the prefilter may name in a JSON path.
var leadflowFieldKey = regexp.MustCompile(\`^[A-Za-z_][A-Za-z0-9_]*$\`)

// leadflowFieldClauses is a SQL prefilter for the filter's top-level fields (other than _id)
// compared with strings: it keeps every document that can match (added by LeadFlow; the handler
// still filters every returned document). A field holding an array always passes.
func leadflowFieldClauses(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}
	var clauses []string
	var args []any
	seen := map[string]int{}
	for _, key := range filter.Keys() {
		seen[key]++
	}
	for key, times := range seen {
		// A key given twice is left to the handler (Get would panic on it).
		if times != 1 || key == "_id" || !leadflowFieldKey.MatchString(key) {
			continue
		}
		path := "'$." + key + "'"
		value := must.NotFail(filter.Get(key))
		var conds []string
		var condArgs []any
		switch v := value.(type) {
		case string:
			conds, condArgs = []string{"= ?"}, []any{v}
		case *types.Document:
			ops := map[string]string{"$eq": "= ?", "$gt": "> ?", "$gte": ">= ?", "$lt": "< ?", "$lte": "<= ?"}
			for _, op := range v.Keys() {
				operand, err := v.Get(op)
				if err != nil {
					continue
				}
				if sql, ok := ops[op]; ok {
					if str, isString := operand.(string); isString {
						conds, condArgs = append(conds, sql), append(condArgs, str)
					}
					continue
				}
				if op != "$in" {
					continue
				}
				arr, isArray := operand.(*types.Array)
				if !isArray || arr.Len() == 0 || arr.Len() > 10000 {
					continue
				}
				in := make([]any, 0, arr.Len())
				for i := 0; i < arr.Len(); i++ {
					if str, isString := must.NotFail(arr.Get(i)).(string); isString {
						in = append(in, str)
					}
				}
				if len(in) == arr.Len() {
					conds = append(conds, "IN (?"+strings.Repeat(", ?", len(in)-1)+")")
					condArgs = append(condArgs, in...)
				}
			}
		}
		if len(conds) == 0 {
			continue
		}
		field := fmt.Sprintf("%s->>%s", metadata.DefaultColumn, path)
		for i := range conds {
			conds[i] = field + " " + conds[i]
		}
		clauses = append(clauses, fmt.Sprintf("(json_type(%s, %s) = 'array' OR (%s))", metadata.DefaultColumn, path, strings.Join(conds, " AND ")))
		args = append(args, condArgs...)
	}
	return strings.Join(clauses, " AND "), args
}

// leadflowIDRange is the WHERE clause for a range of strings on _id ({$gt: "a", $lt: "b"}), or
// none for anything else (added by LeadFlow). Exact: only string _ids (their sjson schema type),
// compared as SQLite compares text (bytewise, as MongoDB compares strings without a collation).
func leadflowIDRange(d *types.Document) (string, []any) {
	ops := map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
	if d.Len() == 0 || d.Len() > 4 {
		return "", nil
	}
	conds := []string{fmt.Sprintf(\`json_extract(%s, '$."$s".p._id.t') = 'string'\`, metadata.DefaultColumn)}
	var args []any
	for _, op := range d.Keys() {
		sql, known := ops[op]
		bound, isString := must.NotFail(d.Get(op)).(string)
		if !known || !isString {
			return "", nil
		}
		conds = append(conds, fmt.Sprintf("%s %s ?", leadflowIDText, sql))
		args = append(args, bound)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// leadflowIDText is a string _id as SQL text (added by LeadFlow).
var leadflowIDText = metadata.DefaultColumn + "->>'$._id'"

// leadflowOrderByID is the ORDER BY clause for a sort on _id, which the handler pushes down only
// with a string range on _id as the whole filter (added by LeadFlow).
func leadflowOrderByID(sort *types.Document) string {
	if must.NotFail(sort.Get("_id")).(int64) == -1 {
		return " ORDER BY " + leadflowIDText + " DESC"
	}
	return " ORDER BY " + leadflowIDText
}

// leadflowIDIn is the WHERE clause for \`{$in: [...]}\` on _id, or none when a value is not a
// string or an ObjectID (added by LeadFlow; the handler still filters every returned document).
func leadflowIDIn(d *types.Document) (string, []any) {
	in, err := d.Get("$in")
	if err != nil || d.Len() != 1 {
		return "", nil
	}
	arr, ok := in.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > 10000 {
		return "", nil
	}
	args := make([]any, 0, arr.Len())
	for i := 0; i < arr.Len(); i++ {
		switch v := must.NotFail(arr.Get(i)).(type) {
		case string, types.ObjectID:
			args = append(args, string(must.NotFail(sjson.MarshalSingleValue(v))))
		default:
			return "", nil
		}
	}
	return fmt.Sprintf(\` WHERE %s IN (?%s)\`, metadata.IDColumn, strings.Repeat(", ?", len(args)-1)), args
}

// check interfaces
`,
    times: 1,
  },
  ...idSortPushdown(
    'internal/handler/msg_find.go',
    'A find sorted by `_id` whose whole filter is a string range on `_id` (a batch job paging ' +
      'by id: `{_id: {$gt: last}}`, sort `{_id: 1}`, limit n) had FerretDB decode and sort every ' +
      'document after the cursor: 50 s to list 25,000 of 100,000 leads. SQLite now filters, sorts ' +
      'and limits (about a second), and FerretDB decodes only the page.',
  ),
  ...idSortPushdown('internal/handler/msg_explain.go', 'Explain shows the same pushdown of sort and limit as find.'),
  {
    file: 'internal/handler/msg_find.go',
    why: 'The test of the filter for the sort pushdown, added before a function of the file.',
    from: `// handleMaxTimeMSError returns`,
    to: `// leadflowIDRangeOnly tells whether the whole filter is a range of strings on _id (added by LeadFlow).
func leadflowIDRangeOnly(filter *types.Document) bool {
	if filter.Len() != 1 || !filter.Has("_id") {
		return false
	}
	d, ok := must.NotFail(filter.Get("_id")).(*types.Document)
	if !ok || d.Len() == 0 || d.Len() > 4 {
		return false
	}
	for _, op := range d.Keys() {
		_, isString := must.NotFail(d.Get(op)).(string)
		if !isString || (op != "$gt" && op != "$gte" && op != "$lt" && op != "$lte") {
			return false
		}
	}
	return true
}

// handleMaxTimeMSError returns`,
    times: 1,
  },
  {
    file: 'internal/backends/collection.go',
    why: 'The backend contract (query and explain) allowed only a `$natural` sort; it now takes the `_id` sort above too.',
    from: `		sortValue := params.Sort.Map()["$natural"].(int64)`,
    to: `		sortValue, natural := params.Sort.Map()["$natural"].(int64)
		if !natural {
			sortValue = params.Sort.Map()["_id"].(int64)
		}`,
    times: 2,
  },
  {
    file: 'internal/backends/sqlite/query.go',
    why: 'SQLite orders by the string `_id` for the `_id` sort above.',
    from: `	if sort.Len() != 1 {
		return ""
	}
`,
    to: `	if sort.Len() != 1 {
		return ""
	}

	if sort.Has("_id") {
		return leadflowOrderByID(sort)
	}
`,
    times: 1,
  },
];

/**
 * Applies `patches` to the source tree at `root`.
 * @throws Error naming the file and the patch's reason when `from` does not occur exactly `times` times.
 */
export async function applyPatches(root: string, patches: readonly SourcePatch[]): Promise<void> {
  for (const patch of patches) {
    const file = path.join(root, patch.file);
    const text = await readFile(file, 'utf8');
    if (text.split(patch.from).length !== patch.times + 1) throw new Error(`FerretDB patch no longer applies to ${patch.file}: ${patch.why}`);
    // A function, so that `$` in the Go code is not read as a replacement pattern.
    await writeFile(file, text.replaceAll(patch.from, () => patch.to));
  }
}
