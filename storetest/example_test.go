package storetest_test

import (
	"testing"

	"github.com/gatehouse-auth/gatehouse/storetest"
	"github.com/gatehouse-auth/gatehouse/user"
)

// openMyStore stands for a backend's constructor.
func openMyStore(t *testing.T) user.Store {
	t.Skip("example backend")
	return nil
}

// A backend runs the suite from its own test, opening fresh stores for every
// subtest. Fields left nil skip the tests of that store.
func ExampleRun() {
	testConformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) storetest.Stores {
			return storetest.Stores{Users: openMyStore(t)}
		})
	}
	_ = testConformance
}
