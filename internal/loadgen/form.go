package loadgen

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// Form is one HTML <form> with the controls that belong to it (inside it,
// or outside it with a form="id" attribute naming it).
type Form struct {
	ID       string
	Action   string // the raw action attribute; "" submits to the page's own URL
	Method   string // "GET" or "POST" (upper case; GET when absent or unknown)
	Controls []Control
}

// Control is one <input>, <textarea> or <select> of a form, with its initial
// state. Type is the lower-cased input type ("text" when absent), or
// "textarea", "select" or "select-multiple".
type Control struct {
	Name     string
	Type     string
	Value    string   // initial value; for a select, see Selected
	Checked  bool     // checkbox and radio
	Disabled bool     // disabled controls are never submitted
	Selected []string // a select's selected option values (first option if none is marked)
}

// ParseForms returns the forms of an HTML document in document order. It is
// as tolerant as a browser: any input gives a result, and err is only a read
// error of r. Nested <form> start tags are ignored, as browsers do.
func ParseForms(r io.Reader) ([]Form, error) {
	p := formParser{z: html.NewTokenizer(r), cur: -1}
	for {
		switch p.z.Next() {
		case html.ErrorToken:
			p.finishSelect()
			p.bindOrphans()
			if err := p.z.Err(); err != io.EOF {
				return p.forms, err
			}
			return p.forms, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			p.start(p.z.Token())
		case html.EndTagToken:
			p.end(p.z.Token())
		case html.TextToken:
			p.text(p.z.Text())
		}
	}
}

// formParser is ParseForms' state between tokens.
type formParser struct {
	z     *html.Tokenizer
	forms []Form
	cur   int // index of the open form, -1 when none

	// orphans are controls outside any form that name one with form="id".
	orphans []orphan

	// The open <textarea> and <select>, if any (refs, not pointers: appending
	// controls may move them).
	textarea, sel ref

	// An open <option> collects its text here.
	option   bool // inside an <option>
	optText  strings.Builder
	optValue *string // the open option's value attribute, if any
	optSel   bool    // the open option has the selected attribute
	first    string  // the open select's first option value
	hasFirst bool
}

// ref locates a control: index idx among the controls of form list (or of the
// orphans when list is orphanList). The zero ref is noRef.
type ref struct{ list, idx int }

// Special ref lists.
const (
	noList     = 0  // no control
	orphanList = -1 // p.orphans
)

// noRef refers to no control.
var noRef = ref{list: noList}

// control returns the control r refers to, or nil.
func (p *formParser) control(r ref) *Control {
	switch {
	case r.list == orphanList && r.idx < len(p.orphans):
		return &p.orphans[r.idx].c
	case r.list > 0 && r.list <= len(p.forms) && r.idx < len(p.forms[r.list-1].Controls):
		return &p.forms[r.list-1].Controls[r.idx]
	}
	return nil
}

// orphan is a control to attach to the form whose id is formID.
type orphan struct {
	formID string
	c      Control
}

// start handles a start (or self-closing) tag.
func (p *formParser) start(t html.Token) {
	switch t.Data {
	case "form":
		if p.cur >= 0 {
			return // nested forms are ignored
		}
		f := Form{Method: "GET"}
		for _, a := range t.Attr {
			switch a.Key {
			case "id":
				f.ID = a.Val
			case "action":
				f.Action = strings.TrimSpace(a.Val)
			case "method":
				if strings.EqualFold(strings.TrimSpace(a.Val), "post") {
					f.Method = "POST"
				}
			}
		}
		p.forms = append(p.forms, f)
		p.cur = len(p.forms) - 1
		if t.Type == html.SelfClosingTagToken {
			p.cur = -1
		}
	case "input":
		c := Control{Type: "text"}
		formAttr := p.controlAttrs(&c, t.Attr)
		for _, a := range t.Attr {
			switch a.Key {
			case "type":
				if v := strings.ToLower(strings.TrimSpace(a.Val)); v != "" {
					c.Type = v
				}
			case "value":
				c.Value = a.Val
			case "checked":
				c.Checked = true
			}
		}
		p.add(c, formAttr)
	case "textarea":
		c := Control{Type: "textarea"}
		formAttr := p.controlAttrs(&c, t.Attr)
		r := p.add(c, formAttr)
		if t.Type == html.StartTagToken {
			p.textarea = r
		}
	case "select":
		p.finishSelect()
		c := Control{Type: "select"}
		formAttr := p.controlAttrs(&c, t.Attr)
		for _, a := range t.Attr {
			if a.Key == "multiple" {
				c.Type = "select-multiple"
			}
		}
		r := p.add(c, formAttr)
		if t.Type == html.StartTagToken {
			p.sel = r
		}
	case "option":
		if p.control(p.sel) != nil {
			p.finishOption()
			p.option = true
			p.optText.Reset()
			p.optValue, p.optSel = nil, false
			for _, a := range t.Attr {
				switch a.Key {
				case "value":
					v := a.Val
					p.optValue = &v
				case "selected":
					p.optSel = true
				}
			}
		}
	}
}

// controlAttrs fills c's name and disabled state from attrs and returns its
// form attribute.
func (p *formParser) controlAttrs(c *Control, attrs []html.Attribute) (formAttr string) {
	for _, a := range attrs {
		switch a.Key {
		case "name":
			c.Name = a.Val
		case "disabled":
			c.Disabled = true
		case "form":
			formAttr = a.Val
		}
	}
	return formAttr
}

// add attaches c to the open form, or keeps it as an orphan when it names a
// form, and returns where it went; a control in neither case belongs to no
// form and is dropped (noRef).
func (p *formParser) add(c Control, formAttr string) ref {
	switch {
	case formAttr != "":
		p.orphans = append(p.orphans, orphan{formAttr, c})
		return ref{orphanList, len(p.orphans) - 1}
	case p.cur >= 0:
		p.forms[p.cur].Controls = append(p.forms[p.cur].Controls, c)
		return ref{p.cur + 1, len(p.forms[p.cur].Controls) - 1}
	}
	return noRef
}

// end handles an end tag.
func (p *formParser) end(t html.Token) {
	switch t.Data {
	case "form":
		p.cur = -1
	case "textarea":
		p.textarea = noRef
	case "option":
		p.finishOption()
	case "select":
		p.finishSelect()
	}
}

// text handles character data.
func (p *formParser) text(b []byte) {
	if ta := p.control(p.textarea); ta != nil {
		s := string(b)
		if ta.Value == "" {
			// A newline right after <textarea> is not part of the value.
			s = strings.TrimPrefix(strings.TrimPrefix(s, "\r"), "\n")
		}
		ta.Value += html.UnescapeString(s)
	}
	if p.option {
		p.optText.Write(bytes.TrimSpace(b))
	}
}

// finishOption records the open option, if any, in the open select.
func (p *formParser) finishOption() {
	if !p.option {
		return
	}
	p.option = false
	s := p.control(p.sel)
	if s == nil {
		return
	}
	v := html.UnescapeString(p.optText.String())
	if p.optValue != nil {
		v = *p.optValue
	}
	if !p.hasFirst {
		p.first, p.hasFirst = v, true
	}
	if p.optSel {
		if s.Type == "select" {
			s.Selected = []string{v} // the last selected option wins
		} else {
			s.Selected = append(s.Selected, v)
		}
	}
}

// finishSelect closes the open select, if any, selecting its first option
// when a single-choice select has none selected.
func (p *formParser) finishSelect() {
	p.finishOption()
	if s := p.control(p.sel); s != nil && s.Type == "select" && len(s.Selected) == 0 && p.hasFirst {
		s.Selected = []string{p.first}
	}
	p.sel = noRef
	p.first, p.hasFirst = "", false
}

// bindOrphans attaches each orphan to the first form with its id.
func (p *formParser) bindOrphans() {
	for _, o := range p.orphans {
		for i := range p.forms {
			if p.forms[i].ID == o.formID {
				p.forms[i].Controls = append(p.forms[i].Controls, o.c)
				break
			}
		}
	}
	p.orphans = nil
}
