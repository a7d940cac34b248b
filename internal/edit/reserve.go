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
func (c *Changes) Reserve(ctx context.Context, ids []int64) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	for _, id := range ids {
		if _, err := c.tx.EntityForUpdate(ctx, id); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}
