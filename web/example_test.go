package web_test

import (
	"fmt"

	"github.com/gatehouse-auth/gatehouse/web"
)

// ExampleLocalizer translates with parameters and Russian plural forms.
func ExampleLocalizer() {
	cats, err := web.LoadCatalogs(web.Embedded())
	if err != nil {
		panic(err)
	}
	ru := cats.Localizer("ru")
	fmt.Println(ru.N("error.password_too_short", 8, "min_length", 8))
	fmt.Println(cats.Localizer("en").T("error.password_too_common"))
	// Output:
	// Пароль слишком короткий. Он должен содержать не менее 8 символов.
	// This password is too common.
}
