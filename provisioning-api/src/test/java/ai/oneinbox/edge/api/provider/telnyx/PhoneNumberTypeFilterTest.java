package ai.oneinbox.edge.api.provider.telnyx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PhoneNumberTypeFilterTest {

    @Test
    void renamesOnlyTheSdksNumberTypeParameter() {
        assertEquals("filter%5Bcountry_code%5D=US&filter%5Bphone_number_type%5D=toll_free&filter%5Blimit%5D=5",
                PhoneNumberTypeFilter.rename("filter%5Bcountry_code%5D=US&filter%5Bnumber_type%5D=toll_free&filter%5Blimit%5D=5"));
        assertEquals("filter%5Bphone_number_type%5D=mobile", PhoneNumberTypeFilter.rename("filter[number_type]=mobile"));
        assertEquals("filter%5Bphone_number_type%5D=local", PhoneNumberTypeFilter.rename("filter%5Bphone_number_type%5D=local"));
        assertEquals("x=filter%5Bnumber_type%5D%3D1&y=", PhoneNumberTypeFilter.rename("x=filter%5Bnumber_type%5D%3D1&y="));
    }
}
