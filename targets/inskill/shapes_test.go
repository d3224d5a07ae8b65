package inskill

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"userimport/targets"
	"userimport/targets/inskill/inskilltest"
	"userimport/targets/targettest"
)

// TestSearchShapes: inSkill's search answer is not documented, so the sandbox answers
// in each plausible shape. Those in searchShapes find the student on the second page;
// the others stop the run with a Fatal error that says why, in plan and in import, and
// nothing is written: a school full of people is never planned as "create" for all.
func TestSearchShapes(t *testing.T) {
	tests := []struct {
		shape    inskilltest.Shape
		name     string
		wantErr  string // empty: the client reads this shape
		checkErr bool   // Check, whose search finds nobody, fails too
	}{
		{shape: inskilltest.ResourceCollection, name: "resource collection"},
		{shape: inskilltest.Paginator, name: "paginator"},
		{shape: inskilltest.SimplePaginator, name: "simple paginator"},
		{shape: inskilltest.CursorPaginator, name: "cursor paginator", wantErr: "pages by cursor"},
		{shape: inskilltest.ItemsList, name: "items list", wantErr: "keys: items, page, status, total", checkErr: true},
		{shape: inskilltest.JSONAPI, name: "JSON:API", wantErr: "keys: attributes, id, type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := inskilltest.New(testToken).WithSearchShape(tt.shape)
			// 20 fuzzy neighbours fill the first page; the row's student is on the second.
			var pre []inskilltest.User
			for i := range 20 {
				pre = append(pre, inskilltest.User{ID: int64(i + 1), Email: fmt.Sprintf("x%danna@corp.ru", i)})
			}
			pre = append(pre, inskilltest.User{ID: 99, Email: "anna@corp.ru", Name: "Иванова Анна Сергеевна", Phone: "+79123456789"})
			sb.Put(pre...)
			c := setup(t, sb, nil, Config{})

			err := c.Check(context.Background())
			if tt.checkErr {
				if e := targettest.Error(t, err); e.Kind != targets.Fatal || !strings.Contains(err.Error(), "--url") || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("check: %v (kind %v), want a fatal error naming --url and saying %q", err, e.Kind, tt.wantErr)
				}
			} else if err != nil {
				t.Errorf("check: %v", err)
			}

			plan, err := c.Plan(context.Background(), canonical())
			res, uerr := c.Upsert(context.Background(), canonical())
			if tt.wantErr == "" {
				if err != nil || plan.Outcome != targets.Unchanged || plan.ID != "99" {
					t.Errorf("plan: %+v, %v; want unchanged 99", plan, err)
				}
				if uerr != nil || res.Outcome != targets.Unchanged || res.ID != "99" {
					t.Errorf("import: %+v, %v; want unchanged 99", res, uerr)
				}
			} else {
				for what, err := range map[string]error{"plan": err, "import": uerr} {
					e := targettest.Error(t, err)
					if e.Kind != targets.Fatal || e.Code != targets.CodeHTTP || !strings.Contains(err.Error(), tt.wantErr) {
						t.Errorf("%s: %v (kind %v), want a fatal %s saying %q", what, err, e.Kind, targets.CodeHTTP, tt.wantErr)
					}
				}
			}
			if sb.Writes() != 0 || sb.Len() != len(pre) {
				t.Errorf("%d writes, %d students; want none and %d", sb.Writes(), sb.Len(), len(pre))
			}
		})
	}
}
