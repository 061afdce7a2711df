package djangoimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// DefaultMaxRecordSize is the default bound on one dumpdata record: 1 MiB,
// far above what an auth, account or socialaccount row takes.
const DefaultMaxRecordSize = 1 << 20

// errRecordTooLarge is what limitReader returns once a record outgrows its
// budget; the decoder turns it into a message naming the record.
var errRecordTooLarge = errors.New("record too large")

// rawRecord is one element of the dumpdata array before its fields are
// decoded by model. PK is absent for models dumped with --natural-primary.
type rawRecord struct {
	Model  string          `json:"model"`
	PK     json.RawMessage `json:"pk"`
	Fields json.RawMessage `json:"fields"`
}

// limitReader counts the bytes read from r and refuses to read past limit,
// which the decoder moves forward before each record: the memory one record
// may take is bounded without reading the whole input first.
type limitReader struct {
	r        io.Reader
	n, limit int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		return 0, errRecordTooLarge
	}
	if rest := l.limit - l.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// decoder streams the records of a dumpdata JSON array, one at a time.
type decoder struct {
	dec   *json.Decoder
	lr    *limitReader
	max   int64
	index int // index of the next record in the array
	state int // 0 before '[', 1 inside the array, 2 after ']'
}

func newDecoder(r io.Reader, maxRecord int64) *decoder {
	if maxRecord <= 0 {
		maxRecord = DefaultMaxRecordSize
	}
	lr := &limitReader{r: r, limit: maxRecord}
	return &decoder{dec: json.NewDecoder(lr), lr: lr, max: maxRecord}
}

// next returns the next record, or io.EOF after the closing bracket when
// nothing but white space follows it. Any other error names the record index
// and the byte offset.
func (d *decoder) next() (rawRecord, error) {
	switch d.state {
	case 0:
		d.budget()
		tok, err := d.dec.Token()
		if err == io.EOF {
			return rawRecord{}, errors.New("djangoimport: empty input: want the JSON array manage.py dumpdata writes")
		}
		if err != nil {
			return rawRecord{}, d.wrap(err)
		}
		if tok != json.Delim('[') {
			return rawRecord{}, fmt.Errorf("djangoimport: byte %d: want a JSON array of records, found %v", d.dec.InputOffset(), describe(tok))
		}
		d.state = 1
	case 2:
		return rawRecord{}, io.EOF
	}
	d.budget()
	if !d.dec.More() {
		if _, err := d.dec.Token(); err != nil { // the closing ']'
			return rawRecord{}, d.wrap(err)
		}
		d.state = 2
		d.budget()
		if tok, err := d.dec.Token(); err != io.EOF {
			if err != nil {
				return rawRecord{}, fmt.Errorf("djangoimport: after the array: %w", d.plain(err))
			}
			return rawRecord{}, fmt.Errorf("djangoimport: byte %d: data after the array: %v", d.dec.InputOffset(), describe(tok))
		}
		return rawRecord{}, io.EOF
	}
	var rec rawRecord
	if err := d.dec.Decode(&rec); err != nil {
		return rawRecord{}, d.wrap(err)
	}
	i := d.index
	d.index++
	if rec.Model == "" {
		return rawRecord{}, fmt.Errorf("djangoimport: record %d: no \"model\"", i)
	}
	if len(rec.Fields) == 0 || rec.Fields[0] != '{' {
		return rawRecord{}, fmt.Errorf("djangoimport: record %d (%.64s): \"fields\" must be an object", i, rec.Model)
	}
	return rec, nil
}

// budget lets the reader go max bytes past the current position.
func (d *decoder) budget() { d.lr.limit = d.dec.InputOffset() + d.max }

// wrap names the record being read in err.
func (d *decoder) wrap(err error) error {
	return fmt.Errorf("djangoimport: record %d (byte %d): %w", d.index, d.dec.InputOffset(), d.plain(err))
}

func (d *decoder) plain(err error) error {
	if errors.Is(err, errRecordTooLarge) {
		return fmt.Errorf("larger than %d bytes", d.max)
	}
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// describe shows a JSON token in an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		return strconv.Quote(t.String())
	case string:
		return fmt.Sprintf("string %.32q", t)
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T %v", tok, tok)
}
