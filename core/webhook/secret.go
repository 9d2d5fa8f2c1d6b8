package webhook

// SecretBox keeps endpoint signing secrets encrypted at rest. The secret must be readable
// (every delivery is signed with it), so it is encrypted, not hashed.
type SecretBox interface {
	// Seal encrypts secret under the current key, bound to the endpoint ID (a stored value
	// copied to another row does not open).
	Seal(endpointID, secret string) (string, error)
	// Open decrypts a stored value. current is false when the value was stored in plain text
	// (before encryption existed) or under an older key: the next write seals it again.
	Open(endpointID, stored string) (secret string, current bool, err error)
}
