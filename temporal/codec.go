package temporal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdktemporal "go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	EncryptedEncoding = "binary/encrypted"
	metadataEncoding  = "encoding"
	metadataKeyID     = "encryption-key-id"
)

// Codec is a converter.PayloadCodec that encrypts every payload with AES-GCM: workflow
// and activity inputs and results, with the secrets in them, are kept by Temporal only as
// ciphertext. A payload names the key it was encrypted with by a fingerprint (never the
// key); one that was not encrypted passes through, so a codec can be added to a task
// queue that already has runs.
type Codec struct {
	aead  cipher.AEAD
	keyID string
}

var _ converter.PayloadCodec = (*Codec)(nil)

// NewCodec returns a codec for a 16-, 24- or 32-byte AES key (32 for AES-256).
func NewCodec(key []byte) (*Codec, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("arazzogen/temporal: %w (the key must be 16, 24 or 32 bytes)", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(key)
	return &Codec{aead: aead, keyID: hex.EncodeToString(sum[:8])}, nil
}

// Encode encrypts each payload, whole (metadata included).
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plain)+c.aead.Overhead())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{metadataEncoding: []byte(EncryptedEncoding), metadataKeyID: []byte(c.keyID)},
			Data:     c.aead.Seal(nonce, nonce, plain, []byte(c.keyID)),
		}
	}
	return out, nil
}

// Decode decrypts the payloads Encode encrypted and passes the others through.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[metadataEncoding]) != EncryptedEncoding {
			out[i] = p
			continue
		}
		if id := string(p.GetMetadata()[metadataKeyID]); id != c.keyID {
			return nil, fmt.Errorf("arazzogen/temporal: payload was encrypted with key %s; this codec has key %s", id, c.keyID)
		}
		data := p.GetData()
		n := c.aead.NonceSize()
		if len(data) < n {
			return nil, errors.New("arazzogen/temporal: encrypted payload too short")
		}
		plain, err := c.aead.Open(nil, data[:n], data[n:], []byte(c.keyID))
		if err != nil {
			return nil, fmt.Errorf("arazzogen/temporal: cannot decrypt payload: %w", err)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return nil, err
		}
		out[i] = &dec
	}
	return out, nil
}

// NewDataConverter returns Temporal's default data converter with payloads encrypted by a
// Codec for key.
func NewDataConverter(key []byte) (converter.DataConverter, error) {
	codec, err := NewCodec(key)
	if err != nil {
		return nil, err
	}
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), codec), nil
}

// Encrypt sets the data converter of client options to NewDataConverter(key), and their
// failure converter to one that encrypts failure messages and stack traces too. Clients
// that start workflows and the clients of workers must all use the same key.
func Encrypt(opts *client.Options, key []byte) error {
	dc, err := NewDataConverter(key)
	if err != nil {
		return err
	}
	opts.DataConverter = dc
	opts.FailureConverter = sdktemporal.NewDefaultFailureConverter(sdktemporal.DefaultFailureConverterOptions{DataConverter: dc, EncodeCommonAttributes: true})
	return nil
}
