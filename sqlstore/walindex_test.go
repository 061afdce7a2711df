package sqlstore_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/sqlstore"
	"github.com/gatehouse-auth/gatehouse/user"
)

// helperEnv makes the test binary, run again by
// TestAuthGenerationSeesOtherProcess, act as another process writing to the
// database: it toggles a user's is_active and exits.
const helperEnv = "GATEHOUSE_SQLSTORE_HELPER_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		os.Exit(helperWrite(path))
	}
	os.Exit(m.Run())
}

func helperWrite(url string) int {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, url)
	if err != nil {
		return 3
	}
	defer db.Close()
	u, err := db.UserByUsername(ctx, "other")
	if err != nil {
		return 4
	}
	u.IsActive = !u.IsActive
	if err := db.UpdateUser(ctx, u); err != nil {
		return 5
	}
	return 0
}

// TestAuthGenerationSeesOtherProcess commits changes from separate
// processes, as the CLI does, and asks for the generation right after each
// exits: the very next call must see the change, with no retry. On Linux it
// also checks that the WAL-index header, not data_version, answered.
func TestAuthGenerationSeesOtherProcess(t *testing.T) {
	url := "sqlite:" + filepath.Join(t.TempDir(), "p.db")
	a := openMigrated(t, url)
	ctx := t.Context()
	usr := &user.User{Username: "other", Password: "x", IsActive: true, DateJoined: time.Now().UTC()}
	if err := a.CreateUser(ctx, usr); err != nil {
		t.Fatal(err)
	}
	prev, err := a.AuthGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS == "linux" && !sqlstore.UsesWALIndex(a) {
		t.Fatal("AuthGeneration does not watch the WAL-index header on Linux")
	}
	for i := 0; i < 8; i++ {
		if v, _ := a.AuthGeneration(ctx); v != prev {
			t.Fatalf("round %d: the generation moved from %d to %d with no write", i, prev, v)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+url)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("round %d: helper process: %v %s", i, err, out)
		}
		v, err := a.AuthGeneration(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v <= prev {
			t.Fatalf("round %d: after another process committed, the generation is %d, was %d", i, v, prev)
		}
		prev = v
	}
	got, err := a.UserByUsername(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsActive { // eight toggles
		t.Errorf("user is_active = %v after 8 toggles by other processes", got.IsActive)
	}
}
