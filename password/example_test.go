package password_test

import (
	"context"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/password"
)

// A Set verifies a hash imported from Django and upgrades it to argon2id.
func ExampleSet_Verify() {
	ctx := context.Background()
	set := password.DefaultSet()

	// pbkdf2_sha256 hash of "correct horse battery staple" made by Django 3.2.
	django := "pbkdf2_sha256$1000$PFg0e56XWKl2pcrsodtn1h$Ql6uPRX8wz+JxR0yd/YxX2JMTcLyhVfs5cWjYxQ2XrY="

	ok, upgraded, err := set.Verify(ctx, "correct horse battery staple", django)
	fmt.Println(ok, err, set.Algorithm(upgraded))

	ok, _, _ = set.Verify(ctx, "Correct horse battery staple", django)
	fmt.Println(ok)
	// Output:
	// true <nil> argon2
	// false
}

func ExampleSet_Hash() {
	ctx := context.Background()
	set := password.DefaultSet()
	encoded, err := set.Hash(ctx, "caf\u00e9 au lait") // precomposed é
	if err != nil {
		panic(err)
	}
	ok, _, _ := set.Verify(ctx, "cafe\u0301 au lait", encoded) // e + combining acute
	fmt.Println(set.Algorithm(encoded), ok)
	// Output: argon2 true
}

func ExampleSet_Unusable() {
	set := password.DefaultSet()
	encoded := set.Unusable() // for an account created by social login
	ok, _, err := set.Verify(context.Background(), "", encoded)
	fmt.Println(len(encoded), password.IsUsable(encoded), ok, err)
	// Output: 41 false false <nil>
}

func ExampleValidate() {
	u := password.UserAttrs{Username: "johnsmith", Email: "john.smith@example.com"}
	for _, pw := range []string{"password1234", "12345678901", "johnsmith", "Tr0ub4dor&3-horse"} {
		for _, p := range password.Validate(pw, u) {
			fmt.Printf("%s: %s %v\n", pw, p.Code, p.Params)
		}
	}
	// Output:
	// password1234: password_too_common map[]
	// 12345678901: password_too_common map[]
	// 12345678901: password_entirely_numeric map[]
	// johnsmith: password_too_similar map[attribute:username verbose_name:username]
	// johnsmith: password_too_common map[]
}
