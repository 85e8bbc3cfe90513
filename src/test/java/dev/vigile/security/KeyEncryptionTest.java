package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.security.control.Pem;
import dev.vigile.security.control.SigningKeyStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyEncryptionTest {
    static final String PEM = Pem.encodePrivate(SigningKeyStore.newKeyPair().getPrivate());

    static KeyEncryption kek(String current, String previous) {
        return KeyEncryption.of(Optional.ofNullable(current), Optional.ofNullable(previous));
    }

    @Test
    void aSealedKeyHoldsNoPemAndOpensUnderItsKek() {
        String a = KeyEncryption.generate();
        KeyEncryption enc = kek(a, null);
        String sealed = enc.seal("kid-1", PEM);
        assertTrue(sealed.startsWith("enc:v1:" + enc.currentId() + ":"), sealed);
        assertFalse(sealed.contains("PRIVATE KEY"));
        assertThrows(RuntimeException.class, () -> Pem.decodePrivate(sealed), "not parseable as a key");
        assertEquals(PEM, enc.open("kid-1", sealed));
        assertNotEquals(sealed, enc.seal("kid-1", PEM), "a fresh IV each time");
    }

    @Test
    void aWrongKekSaysSoAndAMovedOrAlteredKeyDoesNotOpen() {
        KeyEncryption a = kek(KeyEncryption.generate(), null);
        String sealed = a.seal("kid-1", PEM);
        IllegalStateException wrong = assertThrows(
                IllegalStateException.class,
                () -> kek(KeyEncryption.generate(), null).open("kid-1", sealed));
        assertTrue(wrong.getMessage().contains("another key-encryption key"), wrong.getMessage());
        assertThrows(IllegalStateException.class, () -> a.open("kid-2", sealed), "bound to its kid");
        String[] parts = sealed.split(":");
        char last = parts[4].charAt(0);
        String altered =
                sealed.substring(0, sealed.lastIndexOf(':') + 1) + (last == 'A' ? 'B' : 'A') + parts[4].substring(1);
        assertThrows(IllegalStateException.class, () -> a.open("kid-1", altered));
    }

    @Test
    void thePreviousKekOpensWhatItSealedAndMarksItForResealing() {
        String old = KeyEncryption.generate();
        String sealedOld = kek(old, null).seal("kid-1", PEM);
        KeyEncryption rotated = kek(KeyEncryption.generate(), old);
        assertEquals(PEM, rotated.open("kid-1", sealedOld));
        assertTrue(rotated.needsResealing(sealedOld));
        assertTrue(rotated.needsResealing(PEM), "a plain key from before encryption");
        assertFalse(rotated.needsResealing(rotated.seal("kid-1", PEM)));
        assertEquals(PEM, rotated.open("kid-1", PEM), "a plain key still reads, to be sealed");
    }

    @Test
    void aMissingOrMalformedKekIsRefusedNamingTheVariable() {
        assertTrue(assertThrows(IllegalStateException.class, () -> kek(null, null))
                .getMessage()
                .contains("VIGILE_KEY_ENCRYPTION_KEY is not set"));
        assertTrue(assertThrows(IllegalStateException.class, () -> kek("not base64!", null))
                .getMessage()
                .contains("not base64"));
        assertTrue(assertThrows(IllegalStateException.class, () -> kek("AAAA", null))
                .getMessage()
                .contains("32 bytes"));
        assertTrue(assertThrows(IllegalStateException.class, () -> kek(KeyEncryption.generate(), "AAAA"))
                .getMessage()
                .contains("VIGILE_KEY_ENCRYPTION_KEY_PREVIOUS"));
    }
}
