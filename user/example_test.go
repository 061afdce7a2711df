package user_test

import (
	"fmt"

	"github.com/gatehouse-auth/gatehouse/user"
)

// ExamplePerms shows Django's rules for effective permissions.
func ExamplePerms() {
	p := user.Perms{Codes: []string{"blog.add_post", "blog.view_post"}}
	fmt.Println(p.Has("blog.view_post"), p.Has("blog.delete_post"), p.HasModule("blog"))
	fmt.Println(user.Perms{Superuser: true}.Has("anything.at_all"))
	// Output:
	// true false true
	// true
}

// ExampleSkeleton shows why "аdmin" with a Cyrillic а cannot sign up next to "admin".
func ExampleSkeleton() {
	fmt.Println(user.Skeleton("\u0430dmin") == user.Skeleton("admin"), user.CanonicalUsername("ＢＯＢ"))
	// Output: true bob
}
