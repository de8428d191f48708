#include "ap/status.h"
#include "banned.h"

const char *ap_status_str(int status)
{
	switch (status) {
#define AP_STATUS_CASE(name, value, text)                                      \
	case value:                                                            \
		return text;
		AP_STATUS_LIST(AP_STATUS_CASE)
#undef AP_STATUS_CASE
	}
	return "unknown status";
}
