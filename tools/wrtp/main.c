/* wrtp - main program; placeholder until the demo lands. */
#include <stdio.h>
#include "wrt/status.h"
int main(void) {
  puts(wrt_status_str(WRT_OK));
  return 0;
}
