package edit

import (
	"context"
	"errors"
	"slices"

	"kioku/internal/store"
)

// Reserve takes the entities a changeset is about to update, in the order of their ids, before
// it changes any: two changesets that update the same pages named in different orders would
// otherwise each take one and wait for the other, until PostgreSQL aborted one of them. Ids that
// name no entity are left for Update to report.
//
// It returns the entities it took, by id, as they were before the changeset changed any: their
// kind and name stay so, but their head moves with each change accepted.
func (c *Changes) Reserve(ctx context.Context, ids []int64) (map[int64]store.Entity, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	taken := make(map[int64]store.Entity, len(ids))
	for _, id := range ids {
		e, err := c.tx.EntityForUpdate(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		taken[id] = e
	}
	return taken, nil
}
