// Package junittest validates JUnit reports against the schema CI systems read them with
// (runtime/report/testdata/junit.xsd), using libxml2's xmllint, for the tests of the reports
// the runtime and the generated commands write.
package junittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Schema is the path of the JUnit schema.
func Schema() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "runtime", "report", "testdata", "junit.xsd")
}

// Validate fails t when the report at path does not validate against the JUnit schema. It
// needs xmllint (Debian's libxml2-utils, which .ci/run installs): in CI its absence fails the
// test, elsewhere the check is skipped with a message.
func Validate(t testing.TB, path string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is missing (Debian package libxml2-utils, installed by .ci/run)")
		}
		t.Logf("xmllint not installed (apt-get install libxml2-utils): %s not validated against the JUnit schema", path)
		return
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", Schema(), path).CombinedOutput(); err != nil {
		data, _ := os.ReadFile(path)
		t.Errorf("%s does not validate against the JUnit schema: %v\n%s\n%s", path, err, out, data)
	}
}
